-- Undoes V3: the journal's per-subject index (nothing stored is lost; it is rebuilt by V3).
drop index journal_subject;
