-- Undoes V32: the index of a statement's lines by position (no data is lost).
drop index recon_lines_by_statement;
