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

    // The segmentation worksheet: find an account or a tier among a few hundred rows.
    function worksheetFilter() {
        document.querySelectorAll("[data-filter-for]").forEach((tools) => {
            const table = document.getElementById(tools.dataset.filterFor);
            if (!table) {
                return;
            }
            tools.hidden = false;
            const text = tools.querySelector("[data-filter-text]");
            const tier = tools.querySelector("[data-filter-tier]");
            const count = tools.querySelector("[data-filter-count]");
            const rows = Array.from(table.querySelectorAll("tr[data-row]"));
            const apply = () => {
                const words = text.value.trim().toLowerCase();
                const wanted = tier.value;
                let shown = 0;
                rows.forEach((row) => {
                    const select = row.querySelector("select.tier-select");
                    const rowTier = select && select.value ? select.value : "none";
                    const match = (!words || row.dataset.text.includes(words)) && (!wanted || rowTier === wanted);
                    row.hidden = !match;
                    shown += match ? 1 : 0;
                });
                count.textContent = words || wanted ? `${shown} of ${rows.length} accounts shown` : "";
            };
            // Filtering is not editing: keep these fields out of the autosave.
            [text, tier].forEach((el) => {
                el.addEventListener("input", (e) => { e.stopPropagation(); apply(); });
                el.addEventListener("change", (e) => e.stopPropagation());
            });
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
                const targets = Array.from(row.querySelectorAll(".q-target")).map((i) => parseFloat(i.value) || 0);
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
        let dirty = false;
        let leaving = false;
        let waiting = null;

        form.addEventListener("input", () => { dirty = true; });
        form.addEventListener("change", () => { dirty = true; });

        // Autosave stops after a conflict or when the plan became read-only: the next save must be the rep's choice.
        document.body.addEventListener("htmx:confirm", (e) => {
            if (e.target === form && (leaving || form.dataset.autosave !== "on")) {
                e.preventDefault();
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
                    dirty = false;
                }
            }
            if (waiting) {
                const submitter = waiting;
                waiting = null;
                form.requestSubmit(submitter);
            }
        });
        document.body.addEventListener("htmx:afterSettle", () => markError(form));

        // A button press (Save, Add row, Remove) waits for an autosave in flight, so that it posts the version that
        // autosave produced instead of conflicting with it.
        form.addEventListener("submit", (e) => {
            if (form.classList.contains("htmx-request")) {
                e.preventDefault();
                waiting = e.submitter || form.querySelector("button[type=submit]");
                return;
            }
            leaving = true;
            dirty = false;
        });

        // Leaving with unsaved typing: send it on the way out.
        window.addEventListener("pagehide", () => {
            if (dirty && !leaving && form.dataset.autosave === "on" && navigator.sendBeacon) {
                const url = form.getAttribute("hx-post");
                navigator.sendBeacon(url, new FormData(form));
                dirty = false;
            }
        });
    }

    // The chart is drawn when it comes near the screen, not while the page loads: drawing it blocked the first paint.
    function drawGapChartWhenSeen() {
        const canvas = document.getElementById("gap-chart");
        if (!canvas || typeof window.Chart !== "function") {
            return;
        }
        // Shown at once (its place on the page is kept), drawn when seen.
        canvas.closest("figure").hidden = false;
        if (!("IntersectionObserver" in window)) {
            drawGapChart();
            return;
        }
        const seen = new IntersectionObserver((entries) => {
            if (entries.some((e) => e.isIntersecting)) {
                seen.disconnect();
                drawGapChart();
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
