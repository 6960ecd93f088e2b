-- Undoes V29: custody keys, wallets (their encrypted private keys) and rotations. Dropping wallets
-- loses their keys for good: back up, and move the funds first.
-- loses: custody wallets (their keys): select count(*) from custody_wallets
-- loses: custody keys: select count(*) from custody_keys
drop table custody_rotations, custody_wallets, custody_keys;
