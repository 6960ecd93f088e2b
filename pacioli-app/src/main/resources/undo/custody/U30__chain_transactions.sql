-- Undoes V30: chain transactions, their attempts, the nonces of each address, balance monitors.
-- Dropping nonces loses nothing the chain does not know: the service repairs from the chain's count.
-- loses: chain transactions: select count(*) from custody_transactions
-- loses: chain transaction attempts: select count(*) from custody_transaction_attempts
-- loses: wallet balance monitors: select count(*) from custody_wallet_monitors
-- loses: nonce counters: select count(*) from custody_nonces
drop table custody_wallet_monitors, custody_transaction_attempts, custody_transactions, custody_nonces;
