-- Undoes V13: alerts, channels, routes and deliveries.
-- loses: alerts: select count(*) from alerts
-- loses: alert channels: select count(*) from alert_channels
-- loses: alert routes: select count(*) from alert_routes
drop table alert_deliveries, alert_routes, alert_channels, alerts;
