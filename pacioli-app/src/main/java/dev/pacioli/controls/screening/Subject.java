package dev.pacioli.controls.screening;

/**
 * What is screened: a name, a country and an address, any of them null. A payout's destination, a
 * deposit's originator, a clearing party.
 *
 * @param country ISO 3166 alpha-2, upper case
 * @param address a wallet address or an account number
 */
public record Subject(String name, String country, String address) {
    /** Characters of a screened name. */
    public static final int NAME_LENGTH_MAX = ScreeningEntry.NAME_LENGTH_MAX;
}
