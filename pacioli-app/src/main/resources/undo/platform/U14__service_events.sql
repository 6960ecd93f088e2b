-- Undoes V14: the service's own event stream.
-- loses: service events: select count(*) from service_events
drop table service_events, service_event_head;
