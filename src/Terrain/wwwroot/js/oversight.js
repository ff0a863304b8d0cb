// Progressive enhancement for review oversight: each table holds the figures; this draws them with Chart.js.
(() => {
    "use strict";

    const palette = ["#1f5f8b", "#6aa5cf", "#c77700", "#5b8a3c", "#8a4b8c", "#b7c4d1"];
    const number = (value) => Intl.NumberFormat("en").format(value);

    function chartFor(id) {
        const canvas = document.getElementById(id);
        if (!canvas || typeof window.Chart !== "function") {
            return null;
        }
        canvas.closest("figure").hidden = false;
        return canvas;
    }

    function options(suffix, max) {
        return {
            responsive: true,
            maintainAspectRatio: false,
            animation: false,
            indexAxis: "y",
            plugins: {
                legend: { position: "bottom", labels: { boxWidth: 12 } },
                tooltip: { callbacks: { label: (c) => `${c.dataset.label}: ${number(c.parsed.x)}${suffix}` } },
            },
            scales: { x: { beginAtZero: true, max, ticks: { callback: (v) => `${number(v)}${suffix}` } } },
        };
    }

    // One bar per row: its label and value.
    function drawBars(table) {
        const rows = Array.from(table.querySelectorAll("tbody tr[data-label]"));
        const canvas = rows.length > 0 ? chartFor(table.dataset.barChart) : null;
        if (!canvas) {
            return;
        }
        canvas.parentElement.style.height = `${Math.max(10, rows.length * 2.2 + 4)}rem`;
        new window.Chart(canvas, {
            type: "bar",
            data: {
                labels: rows.map((r) => r.dataset.label),
                datasets: [{ label: table.dataset.series, data: rows.map((r) => Number(r.dataset.value)), backgroundColor: palette[0] }],
            },
            options: options("", undefined),
        });
    }

    // The share achieved per reason (rows) and kind of action (columns), as grouped bars.
    function drawEffects(table) {
        const rows = Array.from(table.querySelectorAll("tbody tr[data-label]"));
        const metrics = Array.from(table.querySelectorAll("thead th[data-metric]")).map((th) => th.dataset.metric);
        const canvas = rows.length > 0 ? chartFor(table.dataset.effectChart) : null;
        if (!canvas) {
            return;
        }
        canvas.parentElement.style.height = `${Math.max(12, rows.length * 4 + 5)}rem`;
        new window.Chart(canvas, {
            type: "bar",
            data: {
                labels: rows.map((r) => r.dataset.label),
                datasets: metrics.map((metric, i) => ({
                    label: metric,
                    data: rows.map((r) => {
                        const cell = r.querySelectorAll("td")[i];
                        return cell && cell.dataset.rate !== "" ? Number(cell.dataset.rate) : null;
                    }),
                    backgroundColor: palette[i % palette.length],
                })),
            },
            options: options("%", 100),
        });
    }

    document.addEventListener("DOMContentLoaded", () => {
        document.querySelectorAll("table[data-bar-chart]").forEach(drawBars);
        document.querySelectorAll("table[data-effect-chart]").forEach(drawEffects);
    });
})();
