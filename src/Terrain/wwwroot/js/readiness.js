// The readiness chart: a horizontal bar per step (invited, attended, acknowledged, check passed, ready), read from
// the totals table beside it, which stays as the accessible alternative. The page works without this file.
(() => {
    "use strict";

    function drawReadinessChart() {
        const canvas = document.getElementById("readiness-chart");
        const table = document.getElementById("readiness-counts");
        if (!canvas || !table || typeof window.Chart !== "function") {
            return;
        }
        const rows = Array.from(table.querySelectorAll("tbody tr[data-count]"));
        if (rows.length === 0) {
            return;
        }
        const labels = rows.map((row) => row.querySelector("th").textContent.trim());
        const counts = rows.map((row) => Number(row.dataset.count));
        const reps = Number(table.dataset.reps) || 0;
        canvas.closest("figure").hidden = false;
        new window.Chart(canvas, {
            type: "bar",
            data: {
                labels,
                datasets: [{ label: "Reps", data: counts, backgroundColor: "#1f5f8b" }],
            },
            options: {
                indexAxis: "y",
                responsive: true,
                maintainAspectRatio: false,
                animation: false,
                plugins: {
                    legend: { display: false },
                    tooltip: { callbacks: { label: (c) => (reps ? `${c.raw} of ${reps} reps` : `${c.raw} reps`) } },
                },
                scales: {
                    x: { beginAtZero: true, suggestedMax: reps || undefined, ticks: { precision: 0 } },
                },
            },
        });
    }

    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", drawReadinessChart);
    } else {
        drawReadinessChart();
    }
})();
