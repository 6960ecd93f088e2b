-- Undoes V4: webhook endpoints, their cursors and deliveries.
-- loses: webhook endpoints: select count(*) from webhook_endpoints
-- loses: webhook deliveries: select count(*) from webhook_deliveries
drop table webhook_deliveries, webhook_cursors, webhook_endpoints;
