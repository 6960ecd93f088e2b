-- Undoes V34: which instances were lately seen (no business data: each records itself again every second).
drop table service_instances;
