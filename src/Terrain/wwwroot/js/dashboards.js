// Progressive enhancement for the dashboards: each table holds the figures; this draws them with Chart.js.
(() => {
    "use strict";

    const number = (value) => Intl.NumberFormat("en").format(value);
    const value = (text) => (text === undefined || text === "" ? null : Number(text));

    function show(canvas) {
        const figure = canvas.closest("figure");
        figure.hidden = false;
    }

    const options = (indexAxis) => ({
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        indexAxis,
        plugins: {
            legend: { position: "bottom", labels: { boxWidth: 12 } },
            tooltip: { callbacks: { label: (context) => `${context.dataset.label}: ${number(indexAxis === "y" ? context.parsed.x : context.parsed.y)}` } },
        },
        scales: indexAxis === "y"
            ? { x: { beginAtZero: true, ticks: { callback: (v) => number(v) } } }
            : { y: { beginAtZero: true, ticks: { callback: (v) => number(v) } } },
    });

    // Target, won and forecast per row (a rep or a team), as horizontal bars.
    function drawBars(table) {
        const canvas = document.getElementById(table.dataset.chart);
        const rows = Array.from(table.querySelectorAll("tbody tr[data-label]"));
        if (!canvas || rows.length === 0 || typeof window.Chart !== "function") {
            return;
        }
        show(canvas);
        canvas.parentElement.style.height = `${Math.max(12, rows.length * 2.6 + 5)}rem`;
        new window.Chart(canvas, {
            type: "bar",
            data: {
                labels: rows.map((r) => r.dataset.label),
                datasets: [
                    { label: "Target", data: rows.map((r) => value(r.dataset.target)), backgroundColor: "#b7c4d1" },
                    { label: "Won", data: rows.map((r) => value(r.dataset.actual)), backgroundColor: "#1f5f8b" },
                    { label: "Forecast (won + commit)", data: rows.map((r) => value(r.dataset.forecast)), backgroundColor: "#6aa5cf" },
                ],
            },
            options: options("y"),
        });
    }

    // Cumulative expected target, won and forecast over the quarter.
    function drawLine(table) {
        const canvas = document.getElementById(table.dataset.lineChart);
        const rows = Array.from(table.querySelectorAll("tbody tr"));
        if (!canvas || rows.length === 0 || typeof window.Chart !== "function") {
            return;
        }
        show(canvas);
        new window.Chart(canvas, {
            type: "line",
            data: {
                labels: rows.map((r) => r.dataset.label),
                datasets: [
                    { label: "Expected (target, linear)", data: rows.map((r) => value(r.dataset.expected)), borderColor: "#8a9bad", backgroundColor: "#b7c4d1", borderDash: [6, 4] },
                    { label: "Won", data: rows.map((r) => value(r.dataset.won)), borderColor: "#1f5f8b", backgroundColor: "#1f5f8b" },
                    { label: "Forecast (won + commit)", data: rows.map((r) => value(r.dataset.forecast)), borderColor: "#c77700", backgroundColor: "#c77700", borderDash: [2, 3] },
                ],
            },
            options: options("x"),
        });
    }

    document.addEventListener("DOMContentLoaded", () => {
        document.querySelectorAll("table[data-chart]").forEach(drawBars);
        document.querySelectorAll("table[data-line-chart]").forEach(drawLine);
    });
})();
