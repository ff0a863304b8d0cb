// Progressive enhancement for the performance page: each cumulative table holds the figures; this draws them.
(() => {
    "use strict";

    const number = (value) => Intl.NumberFormat("en").format(value);

    function drawCumulative(table) {
        const canvas = document.getElementById(table.dataset.chart);
        const rows = Array.from(table.querySelectorAll("tbody tr"));
        if (!canvas || rows.length === 0 || typeof window.Chart !== "function") {
            return;
        }
        const figure = canvas.closest("figure");
        figure.hidden = false;
        const points = rows.map((row) => ({
            label: row.dataset.label,
            target: Number(row.dataset.target),
            actual: row.dataset.actual === "" ? null : Number(row.dataset.actual),
        }));
        new window.Chart(canvas, {
            type: "line",
            data: {
                labels: points.map((p) => p.label),
                datasets: [
                    { label: "Target (cumulative)", data: points.map((p) => p.target), borderColor: "#8a9bad", backgroundColor: "#b7c4d1", borderDash: [6, 4] },
                    { label: "Won (cumulative)", data: points.map((p) => p.actual), borderColor: "#1f5f8b", backgroundColor: "#1f5f8b", spanGaps: false },
                ],
            },
            options: {
                responsive: true,
                maintainAspectRatio: false,
                animation: false,
                plugins: {
                    legend: { position: "bottom", labels: { boxWidth: 12 } },
                    tooltip: { callbacks: { label: (context) => `${context.dataset.label}: ${number(context.parsed.y)}` } },
                },
                scales: { y: { beginAtZero: true, ticks: { callback: (v) => number(v) } } },
            },
        });
    }

    document.addEventListener("DOMContentLoaded", () => {
        document.querySelectorAll("table.cumulative-table[data-chart]").forEach(drawCumulative);
    });
})();
