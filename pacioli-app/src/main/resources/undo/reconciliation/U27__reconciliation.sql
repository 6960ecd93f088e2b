-- Undoes V27: statements and their lines, runs, matches, proposals, drift settings and drifts, legacy
-- comparisons, the daily schedule and its runs.
-- loses: statements: select count(*) from recon_statements
-- loses: matches: select count(*) from recon_matches
-- loses: drifts: select count(*) from recon_drifts
-- loses: CSV mappings: select count(*) from recon_csv_mappings
-- loses: account settings: select count(*) from recon_account_settings
-- loses: balance comparisons: select count(*) from recon_comparisons
drop table recon_daily_runs, recon_schedules, recon_comparisons, recon_drifts, recon_account_settings,
    recon_proposals, recon_matched_entries, recon_matches, recon_runs, recon_lines, recon_statements,
    recon_csv_mappings;
