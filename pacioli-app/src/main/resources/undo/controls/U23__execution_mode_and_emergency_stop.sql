-- Undoes V23: the execution mode and the emergency stop.
-- loses: a live mode or an engaged emergency stop: select count(*) from controls_state where mode <> 'dry' or stop_scope is not null
drop table controls_state;
