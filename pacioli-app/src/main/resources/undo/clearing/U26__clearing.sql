-- Undoes V26: participants, windows, obligations, positions and ISO 20022 messages of clearing.
-- loses: clearing participants: select count(*) from clearing_participants
-- loses: clearing obligations: select count(*) from clearing_obligations
-- loses: clearing windows: select count(*) from clearing_windows
-- loses: ISO 20022 messages: select count(*) from clearing_iso_messages
drop table clearing_iso_messages, clearing_positions, clearing_obligations, clearing_windows, clearing_state,
    clearing_participants;
