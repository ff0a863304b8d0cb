// Amounts as people type them and read them. An input marked data-money is a text input (inputmode=decimal) that shows
// its amount with thousands separators once typed: with the currency sign (data-money), or without it
// (data-money="plain", for a target that may be a count). It reads "12500", "12,500", "12500.00" and "$12,500" alike,
// as the server does (Money.Parse). The quota grid and the plan editor use the same reading for their live totals.
// Without this file the inputs still post what was typed, and the server reads it.
window.TerrainMoney = (() => {
    "use strict";

    const lang = document.documentElement.lang || "en-US";
    // The language's separators, read on first use: the first Intl call of a page loads the browser's locale data, a
    // long task on a slow phone that a page without amounts to read should not pay for while it loads.
    let separators = null;
    const separatorsOf = () => {
        if (!separators) {
            const parts = new Intl.NumberFormat(lang).formatToParts(12345.6);
            separators = {
                group: (parts.find((p) => p.type === "group") || { value: "," }).value.trim(),
                decimal: (parts.find((p) => p.type === "decimal") || { value: "." }).value,
            };
        }
        return separators;
    };

    const currencyOf = (element) => {
        const holder = element && element.closest("[data-currency]");
        return (holder && holder.dataset.currency) || document.documentElement.dataset.currency || "USD";
    };

    // As the server writes money (Show.Money): the page's language, the currency when asked, cents only when there are some.
    const format = (value, currency) => {
        const digits = Number.isInteger(value) ? 0 : 2;
        const plain = { minimumFractionDigits: digits, maximumFractionDigits: digits };
        if (currency) {
            try {
                return value.toLocaleString(lang, { ...plain, style: "currency", currency });
            } catch {
                // An unknown currency code: the number alone.
            }
        }
        return value.toLocaleString(lang, plain);
    };

    // Null when blank, NaN when not an amount.
    const parse = (text) => {
        let value = (text || "").trim().replace(/[\s_\u00a0\u202f]/g, "").replace(/\p{Sc}/gu, "");
        if (/^[A-Z]{3}/.test(value)) {
            value = value.slice(3);
        } else if (/[A-Z]{3}$/.test(value)) {
            value = value.slice(0, -3);
        }
        if (value === "") {
            return null;
        }
        const { group, decimal } = separatorsOf();
        if (group) {
            value = value.split(group).join("");
        }
        if (decimal !== ".") {
            value = value.split(decimal).join(".");
        }
        return /^-?(\d+\.?\d*|\.\d+)$/.test(value) ? Number(value) : NaN;
    };

    // The input's amount, or NaN; 0 when blank.
    const valueOf = (input) => {
        const value = parse(input.value);
        return value === null ? 0 : value;
    };

    const show = (input) => {
        const value = parse(input.value);
        if (value !== null && !Number.isNaN(value) && value >= 0) {
            input.value = format(Math.round(value * 100) / 100, input.dataset.money === "plain" ? null : currencyOf(input));
        }
    };

    // Inputs shown on load, or swapped in later (a new row): formatted unless the server marked them refused as typed.
    const formatAll = (root) => {
        (root || document).querySelectorAll("input[data-money]").forEach((input) => {
            if (input.getAttribute("aria-invalid") !== "true") {
                show(input);
            }
        });
    };

    document.addEventListener("focusout", (event) => {
        if (event.target.matches && event.target.matches("input[data-money]")) {
            show(event.target);
        }
    });
    document.addEventListener("htmx:afterSettle", (event) => formatAll(event.target));
    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", () => formatAll(document));
    } else {
        formatAll(document);
    }

    return { parse, format, valueOf, formatAll, currencyOf };
})();
