// The quota grid: totals follow what is typed, and leaving with unsaved changes
// asks first. Without this file the grid still saves, and the server recomputes the totals.
(() => {
    "use strict";

    const grid = document.querySelector("form[data-quota-grid]");

    for (const form of document.querySelectorAll("form[data-apply-on-change]")) {
        form.addEventListener("change", () => form.requestSubmit());
        for (const button of form.querySelectorAll("[data-apply-button]")) {
            button.hidden = true;
        }
    }

    if (!grid) {
        return;
    }

    // Amounts are read and written as the server reads and writes them (money.js).
    const { parse, format } = window.TerrainMoney;
    const currency = grid.dataset.currency || "USD";
    const money = { format: (value) => format(value, currency) };

    const amountOf = (cell) => {
        const input = cell.querySelector("input[data-money]");
        if (input) {
            const value = parse(input.value);
            return Number.isNaN(value) ? null : value ?? 0;
        }
        return cell.dataset.amount === "" ? 0 : Number(cell.dataset.amount);
    };

    const show = (value) => money.format(Math.round(value * 100) / 100);

    const recompute = () => {
        const table = grid.querySelector("table.quotas");
        const sums = (rows) => {
            const quarters = [];
            let total = 0;
            let valid = true;
            for (const row of rows) {
                row.querySelectorAll("td[data-quarter]").forEach((cell) => {
                    const value = amountOf(cell);
                    const n = Number(cell.dataset.quarter);
                    if (value === null) {
                        valid = false;
                        return;
                    }
                    quarters[n] = (quarters[n] || 0) + value;
                    total += value;
                });
            }
            return { quarters, total, valid };
        };
        const write = (container, result) => {
            container.querySelectorAll("[data-quarter-total]").forEach((cell) => {
                cell.textContent = show(result.quarters[Number(cell.dataset.quarterTotal)] || 0);
            });
            const total = container.querySelector("[data-sum-total]");
            if (total) {
                total.textContent = result.valid ? show(result.total) : "–";
            }
        };

        for (const row of grid.querySelectorAll("tr[data-quota-row]")) {
            const result = sums([row]);
            const cells = [...row.querySelectorAll("td[data-quarter]")];
            const empty = cells.every((cell) => {
                const input = cell.querySelector("input[data-money]");
                return input ? input.value.trim() === "" : cell.dataset.amount === "";
            });
            const total = row.querySelector("[data-row-total]");
            if (total) {
                total.textContent = !result.valid || empty ? "–" : show(result.total);
            }
            const gap = row.querySelector("td[data-gap]");
            if (gap && row.dataset.goals !== "" && result.valid && !empty) {
                const value = Number(row.dataset.goals) - result.total;
                gap.innerHTML = "";
                const span = document.createElement("span");
                span.className = value < 0 ? "gap-short" : "gap-ok";
                span.textContent = (value < 0 ? "−" : "+") + show(Math.abs(value));
                const said = document.createElement("span");
                said.className = "visually-hidden";
                said.textContent = value < 0 ? " below quota" : " at or above quota";
                span.append(said);
                gap.append(span);
            }
        }

        if (table) {
            for (const body of table.tBodies) {
                const subtotal = body.querySelector("tr[data-subtotal]");
                if (subtotal) {
                    write(subtotal, sums(body.querySelectorAll("tr[data-quota-row]")));
                }
            }
            if (table.tFoot) {
                write(table.tFoot, sums(table.querySelectorAll("tbody tr[data-quota-row]")));
            }
        }
    };

    let dirty = false;
    const note = grid.querySelector("[data-dirty-note]");
    const markDirty = () => {
        dirty = true;
        if (note) {
            note.hidden = false;
        }
    };

    // money.js shows each amount with its separators once typed.
    for (const input of grid.querySelectorAll("input[data-money]")) {
        input.addEventListener("input", () => {
            markDirty();
            recompute();
        });
    }

    for (const input of grid.querySelectorAll("input[type=date], input[name=Reason]")) {
        input.addEventListener("input", markDirty);
    }

    // A page that came back refused holds unsaved input already.
    if (document.querySelector("#quota-errors, #quota-conflicts")) {
        markDirty();
    }

    grid.addEventListener("submit", () => {
        dirty = false;
    });

    window.addEventListener("beforeunload", (event) => {
        if (dirty) {
            event.preventDefault();
            event.returnValue = "";
        }
    });
})();
