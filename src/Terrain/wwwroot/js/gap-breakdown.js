// Progressive enhancement for the review page: each gap table holds a goal's split; this draws it as horizontal bars.
(() => {
    "use strict";

    const number = (value) => Intl.NumberFormat("en").format(value);

    function draw(table) {
        const canvas = document.getElementById(table.dataset.chart);
        const rows = Array.from(table.querySelectorAll("tbody tr"));
        if (!canvas || rows.length === 0 || typeof window.Chart !== "function") {
            return;
        }
        canvas.closest("figure").hidden = false;
        const amounts = rows.map((row) => Number(row.dataset.amount));
        new window.Chart(canvas, {
            type: "bar",
            data: {
                labels: rows.map((row) => row.dataset.label),
                datasets: [{
                    label: "Part of the gap",
                    data: amounts,
                    backgroundColor: amounts.map((a) => (a < 0 ? "#b3261e" : "#1b6e3a")),
                }],
            },
            options: {
                indexAxis: "y",
                responsive: true,
                maintainAspectRatio: false,
                animation: false,
                plugins: {
                    legend: { display: false },
                    tooltip: { callbacks: { label: (context) => number(context.parsed.x) } },
                },
                scales: { x: { ticks: { callback: (v) => number(v) } } },
            },
        });
    }

    document.addEventListener("DOMContentLoaded", () => {
        document.querySelectorAll("table.gap-table[data-chart]").forEach(draw);
    });
})();
