-- A statement's lines are read by page in the file's order (GET .../statements/{id}/lines): an index on
-- (statement, position), unique as the import numbers them 1..n.
create unique index recon_lines_by_statement on recon_lines (statement_id, position);
