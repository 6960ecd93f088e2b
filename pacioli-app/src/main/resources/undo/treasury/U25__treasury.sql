-- Undoes V25: buffers, conversions and their history, cycles, balance monitors.
-- loses: treasury buffers: select count(*) from treasury_buffers
-- loses: conversions: select count(*) from treasury_conversions
-- loses: treasury cycles: select count(*) from treasury_cycles
-- loses: balance monitors: select count(*) from treasury_balance_monitors
drop table treasury_balance_monitors, treasury_cycles, treasury_conversion_history, treasury_conversions,
    treasury_buffers;
