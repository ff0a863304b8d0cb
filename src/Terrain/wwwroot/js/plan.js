// Progressive enhancement for the plan page and the section editor: every page works without this file.
(() => {
    "use strict";

    // The quota gap chart: revenue goals against quota per quarter. The table beside it holds the same figures.
    function drawGapChart() {
        const canvas = document.getElementById("gap-chart");
        if (!canvas || typeof window.Chart !== "function") {
            return;
        }
        canvas.closest("figure").hidden = false;
        const read = (name) => JSON.parse(canvas.dataset[name] || "[]");
        const quota = read("quota");
        const datasets = [{ label: "Revenue goals", data: read("goals"), backgroundColor: "#1f5f8b" }];
        if (quota.some((q) => q !== null)) {
            datasets.push({ label: "Quota", data: quota, backgroundColor: "#b7c4d1" });
        }
        new window.Chart(canvas, {
            type: "bar",
            data: { labels: read("labels"), datasets },
            options: {
                responsive: true,
                maintainAspectRatio: false,
                animation: false,
                plugins: { legend: { position: "bottom", labels: { boxWidth: 12 } } },
                scales: { y: { beginAtZero: true, ticks: { callback: (v) => Intl.NumberFormat("en", { notation: "compact" }).format(v) } } },
            },
        });
    }

    // Textareas grow with their text where the browser cannot do it in CSS (field-sizing).
    function autoGrow(root) {
        if (window.CSS && CSS.supports("field-sizing", "content")) {
            return;
        }
        const fit = (t) => {
            t.style.height = "auto";
            t.style.height = `${t.scrollHeight + 2}px`;
        };
        root.querySelectorAll("textarea.grow").forEach(fit);
        root.addEventListener("input", (e) => {
            if (e.target.matches && e.target.matches("textarea.grow")) {
                fit(e.target);
            }
        });
    }

    // The segmentation worksheet: find, filter and sort a few hundred accounts, and tier many at once. Without this the
    // same choices go through the address ("Save and show") and the bulk buttons post to the server.
    function worksheetFilter() {
        document.querySelectorAll("[data-filter-for]").forEach((tools) => {
            const table = document.getElementById(tools.dataset.filterFor);
            if (!table) {
                return;
            }
            const form = tools.closest("form");
            const text = tools.querySelector("[data-filter-text]");
            const tier = tools.querySelector("[data-filter-tier]");
            const segment = tools.querySelector("[data-filter-segment]");
            const sort = tools.querySelector("[data-sort]");
            const count = tools.querySelector("[data-filter-count]");
            const body = table.tBodies[0];
            const rows = Array.from(table.querySelectorAll("tr[data-row]"));
            tools.querySelectorAll("[data-without-js]").forEach((el) => { el.hidden = true; });
            document.querySelectorAll("[data-with-js]").forEach((el) => { el.hidden = false; });
            const tierOf = (row) => {
                const select = row.querySelector("select.tier-select");
                return select && select.value ? select.value : "none";
            };
            const amount = (row, column, fallback) => {
                const input = row.querySelector(`input[aria-labelledby$="${column}"]`);
                const read = input ? window.TerrainMoney.parse(input.value) : null;
                const typed = read === null ? NaN : read;
                const value = Number.isNaN(typed) ? parseFloat(fallback) : typed;
                return Number.isNaN(value) ? -1 : value;
            };
            const byName = (a, b) => a.dataset.name.localeCompare(b.dataset.name, undefined, { sensitivity: "base" });
            const orders = {
                name: byName,
                potential: (a, b) => amount(b, "col-potential", b.dataset.potential) - amount(a, "col-potential", a.dataset.potential) || byName(a, b),
                current: (a, b) => amount(b, "col-current", b.dataset.current) - amount(a, "col-current", a.dataset.current) || byName(a, b),
                tier: (a, b) => (tierOf(a) === "none" ? "Z" : tierOf(a)).localeCompare(tierOf(b) === "none" ? "Z" : tierOf(b)) || byName(a, b),
                segment: (a, b) => a.dataset.segment.localeCompare(b.dataset.segment, undefined, { sensitivity: "base" }) || byName(a, b),
            };
            const sortRows = () => {
                const key = sort ? sort.value : "name";
                rows.slice().sort(orders[key] || byName).forEach((row) => body.appendChild(row));
                const sorted = { name: "col-account", segment: "col-account", tier: "col-tier", potential: "col-potential", current: "col-current" };
                table.querySelectorAll("thead th").forEach((th) => {
                    if (th.id === sorted[key]) {
                        th.setAttribute("aria-sort", key === "potential" || key === "current" ? "descending" : "ascending");
                    } else {
                        th.removeAttribute("aria-sort");
                    }
                });
            };
            const apply = () => {
                const words = text.value.trim().toLowerCase();
                const wanted = tier.value;
                const inSegment = segment ? segment.value.toLowerCase() : "";
                let shown = 0;
                rows.forEach((row) => {
                    const rowTier = tierOf(row);
                    row.dataset.tier = rowTier;
                    const tierMatch = !wanted || (wanted === "target" ? row.dataset.target === "true" : rowTier === wanted);
                    const match = (!words || row.dataset.text.includes(words)) && tierMatch &&
                        (!inSegment || row.dataset.segment.toLowerCase() === inSegment);
                    row.hidden = !match;
                    shown += match ? 1 : 0;
                });
                count.textContent = shown < rows.length ? `${shown} of ${rows.length} accounts shown` : "";
            };
            // Filtering, sorting and ticking are not editing: keep these fields out of the autosave.
            const quiet = [text, tier, segment, sort, ...document.querySelectorAll("[data-pick-all], [data-bulk-tier], input.row-pick")].filter(Boolean);
            quiet.forEach((el) => {
                el.addEventListener("input", (e) => e.stopPropagation());
                el.addEventListener("change", (e) => e.stopPropagation());
            });
            [text, tier, segment].filter(Boolean).forEach((el) => el.addEventListener("input", apply));
            if (segment) {
                segment.addEventListener("change", apply);
            }
            tier.addEventListener("change", apply);
            if (sort) {
                sort.addEventListener("change", sortRows);
            }

            const pickAll = document.querySelector("[data-pick-all]");
            if (pickAll) {
                pickAll.addEventListener("change", () => {
                    rows.filter((row) => !row.hidden).forEach((row) => { row.querySelector("input.row-pick").checked = pickAll.checked; });
                });
            }

            // Setting tiers in bulk changes the selects as if the rep had picked each one; the autosave saves them.
            const status = document.querySelector("[data-bulk-status]");
            const ticked = () => rows.filter((row) => row.querySelector("input.row-pick").checked);
            const setTiers = (targets, tierFor) => {
                let changed = null;
                let n = 0;
                targets.forEach((row) => {
                    const select = row.querySelector("select.tier-select");
                    const value = tierFor(row);
                    if (select && value !== null && select.value !== value) {
                        select.value = value;
                        changed = select;
                        n += 1;
                    }
                });
                if (changed) {
                    // As if the rep had picked it: the change reaches the form, which autosaves.
                    changed.dispatchEvent(new Event("change", { bubbles: true }));
                }
                apply();
                return n;
            };
            document.querySelectorAll("[data-bulk]").forEach((button) => {
                button.addEventListener("click", (e) => {
                    if (!window.htmx || form.dataset.autosave !== "on") {
                        return;
                    }
                    e.preventDefault();
                    const picked = ticked();
                    if (button.dataset.bulk === "set") {
                        if (picked.length === 0) {
                            status.textContent = "Tick the accounts to set the tier of first.";
                            return;
                        }
                        const value = document.querySelector("[data-bulk-tier]").value;
                        const n = setTiers(picked, () => value);
                        const tierName = value ? `tier ${value}` : "without a tier";
                        status.textContent = n === 0
                            ? `The ${picked.length === 1 ? "ticked account is" : `${picked.length} ticked accounts are`} already ${tierName}.`
                            : `${value ? `Tier ${value}` : "No tier"} set for ${n} of ${picked.length} ticked ${picked.length === 1 ? "account" : "accounts"}.`;
                    } else {
                        const targets = picked.length ? picked : rows.filter((row) => tierOf(row) === "none");
                        const n = setTiers(targets, (row) => row.dataset.suggested || null);
                        status.textContent = `Suggested tiers applied to ${n} ${n === 1 ? "account" : "accounts"}.`;
                    }
                });
            });
            tools.hidden = false;
            apply();
        });
    }

    // Goal totals, revenue per quarter and the gap to quota follow the targets as the rep types.
    function goalTotals(form) {
        // Written as the server writes them (Show.Money): the page's language and the company's currency, cents only when there are some.
        const lang = document.documentElement.lang || "en";
        const currency = document.documentElement.dataset.currency || "USD";
        const number = (v) => v.toLocaleString(lang, { maximumFractionDigits: 2 });
        const money = (v) => v.toLocaleString(lang, { style: "currency", currency, minimumFractionDigits: Number.isInteger(v) ? 0 : 2, maximumFractionDigits: Number.isInteger(v) ? 0 : 2 });
        const isMoney = (metric) => metric && (metric.value === "Revenue" || metric.value === "Pipeline");
        const recompute = () => {
            const revenue = [];
            form.querySelectorAll("tr[data-goal]").forEach((row) => {
                const targets = Array.from(row.querySelectorAll(".q-target")).map((i) => window.TerrainMoney.valueOf(i) || 0);
                const out = row.querySelector("[data-goal-total]");
                const sum = targets.reduce((a, b) => a + b, 0);
                if (out) {
                    out.textContent = isMoney(row.querySelector("select.goal-metric")) ? money(sum) : number(sum);
                }
                const metric = row.querySelector("select.goal-metric");
                if (metric && metric.value === "Revenue") {
                    targets.forEach((t, q) => { revenue[q] = (revenue[q] || 0) + t; });
                }
            });
            let total = 0;
            form.querySelectorAll("[data-revenue-q]").forEach((out) => {
                const value = revenue[Number(out.dataset.revenueQ)] || 0;
                total += value;
                out.textContent = money(value);
            });
            const totalOut = form.querySelector("[data-revenue-total]");
            if (totalOut) {
                totalOut.textContent = money(total);
            }
            form.querySelectorAll("[data-gap-q], [data-gap-total]").forEach((out) => {
                if (out.dataset.quota === undefined || out.dataset.quota === "") {
                    return;
                }
                const goal = out.dataset.gapTotal !== undefined ? total : (revenue[Number(out.dataset.gapQ)] || 0);
                const gap = goal - parseFloat(out.dataset.quota);
                out.textContent = (gap > 0 ? "+" : "") + money(gap);
                out.parentElement.classList.toggle("short", gap < 0);
            });
        };
        if (form.querySelector("tr[data-goal]")) {
            form.addEventListener("input", recompute);
            form.addEventListener("change", recompute);
        }
    }

    // After an autosave the form stays as typed; the refused field is marked here, like the server marks it on a full page.
    function markError(form) {
        form.querySelectorAll(".inline-error").forEach((e) => e.remove());
        form.querySelectorAll("[aria-invalid='true']").forEach((el) => {
            el.removeAttribute("aria-invalid");
            const described = (el.getAttribute("aria-describedby") || "").split(" ").filter((id) => id && !id.endsWith("-error"));
            if (described.length) {
                el.setAttribute("aria-describedby", described.join(" "));
            } else {
                el.removeAttribute("aria-describedby");
            }
        });
        const summary = document.getElementById("form-error");
        const fieldId = summary && summary.dataset.field;
        const field = fieldId && document.getElementById(fieldId);
        if (!field) {
            return;
        }
        const message = document.createElement("span");
        message.className = "field-error inline-error";
        message.id = `${fieldId}-error`;
        message.textContent = summary.dataset.message || "";
        field.insertAdjacentElement("afterend", message);
        field.setAttribute("aria-invalid", "true");
        field.setAttribute("aria-describedby", `${field.getAttribute("aria-describedby") || ""} ${message.id}`.trim());
        const row = field.closest("tr[data-row]");
        if (row) {
            row.hidden = false;
        }
    }

    function editor() {
        const form = document.getElementById("editor");
        if (!form || !window.htmx) {
            return;
        }
        const note = form.querySelector(".autosave-note");
        if (note) {
            note.hidden = false;
        }
        // Unsaved typing. typedSince is what was typed after the autosave in flight took the form's values: that
        // autosave's answer does not cover it (the queued autosave or the way out will).
        let dirty = false;
        let typedSince = false;
        let leaving = false;
        let waiting = null;
        // A row added or removed without a reload is in flight (swapRows below).
        let busy = false;

        const typed = () => {
            dirty = true;
            typedSince = true;
        };
        form.addEventListener("input", typed);
        form.addEventListener("change", typed);

        // Autosave stops after a conflict or when the plan became read-only: the next save must be the rep's choice.
        // It also waits while a row is added or removed: that request already carries everything typed, and an autosave
        // beside it would post the same version and make one of the two a conflict (the row's then fell back to a
        // full post). The row's answer brings the new version.
        document.body.addEventListener("htmx:confirm", (e) => {
            if (e.target === form && (leaving || busy || form.dataset.autosave !== "on")) {
                e.preventDefault();
            }
        });
        document.body.addEventListener("htmx:beforeSend", (e) => {
            if (e.target === form) {
                typedSince = false;
            }
        });
        // An autosave goes to the autosave handler even when a button was clicked last: htmx would otherwise post to
        // that button's formaction (the bulk "Set tier" button's, whose answer is a whole worksheet).
        document.body.addEventListener("htmx:configRequest", (e) => {
            if (e.target === form) {
                e.detail.path = form.getAttribute("data-hx-post");
            }
        });
        document.body.addEventListener("htmx:afterRequest", (e) => {
            if (e.target !== form) {
                return;
            }
            if (e.detail.successful) {
                const paused = document.querySelector("#save-status [data-paused]");
                form.dataset.autosave = paused ? "off" : "on";
                if (!paused && !document.querySelector("#form-error .alert")) {
                    dirty = typedSince;
                }
            } else {
                // No answer, or one htmx does not swap (a lost session, a server error): say so, and keep the typing
                // unsaved; the next change or the Save button tries again, and Save shows why on a full page.
                const failed = document.createElement("span");
                failed.className = "status-error";
                failed.textContent = "Not saved: the autosave got no answer it could use. Press Save to try again.";
                document.getElementById("save-status").replaceChildren(failed);
            }
            if (waiting) {
                const submitter = waiting;
                waiting = null;
                form.requestSubmit(submitter);
            }
        });
        document.body.addEventListener("htmx:afterSettle", () => markError(form));

        // Adding or removing a row saves what was typed and swaps in the worksheet, without a reload (the scroll and
        // the address stay). Anything but a clean save (a conflict, a refusal, a lost session) posts the form the
        // ordinary way, and the page says what happened.
        let native = false;
        const rowButton = (b) => b && /[?&]handler=(AddRow|RemoveRow)(&|$)/.test(b.getAttribute("formaction") || "");
        const settle = () => {
            busy = false;
            if (waiting) {
                const submitter = waiting;
                waiting = null;
                form.requestSubmit(submitter);
            }
        };
        async function swapRows(button) {
            busy = true;
            let answer = null;
            try {
                answer = await fetch(button.getAttribute("formaction"), {
                    method: "POST", body: new FormData(form, button), headers: { "HX-Request": "true" }, credentials: "same-origin",
                });
            } catch {
                answer = null;
            }
            if (!answer || !answer.ok || !answer.headers.get("X-Editor-Body")) {
                busy = false;
                native = true;
                form.requestSubmit(button);
                return;
            }
            const html = document.createElement("template");
            html.innerHTML = await answer.text();
            const body = html.content.getElementById("editor-body");
            document.getElementById("editor-body").replaceWith(body);
            const missing = html.content.getElementById("section-missing");
            const oldMissing = document.getElementById("section-missing");
            if (missing && oldMissing) {
                oldMissing.replaceWith(missing);
            }
            document.getElementById("version").value = body.dataset.version;
            const saved = document.createElement("span");
            saved.className = body.dataset.pending === "true" ? "status-pending" : "status-ok";
            saved.textContent = body.dataset.saved || "";
            document.getElementById("save-status").replaceChildren(saved);
            window.htmx.process(body);
            window.TerrainMoney.formatAll(body);
            autoGrow(body);
            dirty = false;
            const focus = body.querySelector("[autofocus]") || body.querySelector("button.add");
            if (focus) {
                focus.focus();
            }
            settle();
        }

        // A button press (Save, Add row, Remove) waits for an autosave in flight, so that it posts the version that
        // autosave produced instead of conflicting with it.
        form.addEventListener("submit", (e) => {
            if (form.classList.contains("htmx-request") || busy) {
                e.preventDefault();
                waiting = e.submitter || form.querySelector("button[type=submit]");
                return;
            }
            if (!native && rowButton(e.submitter)) {
                e.preventDefault();
                swapRows(e.submitter);
                return;
            }
            native = false;
            leaving = true;
            dirty = false;
        });

        // Leaving with unsaved typing: send it on the way out.
        window.addEventListener("pagehide", () => {
            if (dirty && !leaving && form.dataset.autosave === "on" && navigator.sendBeacon) {
                const url = form.getAttribute("data-hx-post");
                navigator.sendBeacon(url, new FormData(form));
                dirty = false;
            }
        });
    }

    // The chart is drawn when it comes near the screen, not while the page loads: drawing it blocked the first paint.
    // Chart.js (90 KB) is fetched when the chart comes near the screen, not with the page: most of the plan page is
    // read without it, and its parsing was part of the page's load on a phone (issue 12 §8).
    function loadChart() {
        if (typeof window.Chart === "function") {
            return Promise.resolve();
        }
        const canvas = document.getElementById("gap-chart");
        return new Promise((resolve, reject) => {
            const script = document.createElement("script");
            script.src = canvas.dataset.chartSrc;
            script.onload = () => resolve();
            script.onerror = reject;
            document.head.appendChild(script);
        });
    }

    function drawGapChartWhenSeen() {
        const canvas = document.getElementById("gap-chart");
        if (!canvas || !canvas.dataset.chartSrc) {
            return;
        }
        // Shown at once (its place on the page is kept), drawn when seen; the table keeps the figures if the chart
        // cannot be loaded.
        const figure = canvas.closest("figure");
        figure.hidden = false;
        const draw = () => loadChart().then(drawGapChart, () => { figure.hidden = true; });
        if (!("IntersectionObserver" in window)) {
            draw();
            return;
        }
        const seen = new IntersectionObserver((entries) => {
            if (entries.some((e) => e.isIntersecting)) {
                seen.disconnect();
                draw();
            }
        }, { rootMargin: "200px" });
        seen.observe(canvas);
    }

    function start() {
        drawGapChartWhenSeen();
        autoGrow(document);
        worksheetFilter();
        const form = document.getElementById("editor");
        if (form) {
            goalTotals(form);
        }
        editor();
    }

    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", start);
    } else {
        start();
    }
})();
