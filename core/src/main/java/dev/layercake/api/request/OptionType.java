package dev.layercake.api.request;

/** The shape of an option's value, so every front door parses it the same way. */
public enum OptionType {
    STRING, BOOLEAN, LIST, INTEGER, DATE
}
