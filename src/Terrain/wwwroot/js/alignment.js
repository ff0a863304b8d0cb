// Progressive enhancement for the alignment page: the table holds every figure; this draws it as a chart.
(() => {
    "use strict";

    const number = (value) => Intl.NumberFormat("en").format(value);
    const short = (text, max) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

    // Objectives count different things (revenue, logos, meetings), so the chart compares each plan with its own
    // target: 100% is the target.
    function drawAlignmentChart() {
        const canvas = document.getElementById("alignment-chart");
        const rows = Array.from(document.querySelectorAll("#alignment-table tr[data-objective]"));
        if (!canvas || rows.length === 0 || typeof window.Chart !== "function") {
            return;
        }
        const figure = canvas.closest("figure");
        figure.hidden = false;
        figure.style.height = `${Math.max(8, rows.length * 3.2 + 4)}rem`;
        const objectives = rows.map((row) => ({
            name: row.dataset.name,
            target: Number(row.dataset.target),
            planned: Number(row.dataset.planned),
            percent: Number(row.dataset.percent),
        }));
        new window.Chart(canvas, {
            type: "bar",
            data: {
                labels: objectives.map((o) => o.name),
                datasets: [
                    { label: "Target", data: objectives.map(() => 100), backgroundColor: "#b7c4d1" },
                    {
                        label: "Planned",
                        data: objectives.map((o) => o.percent),
                        backgroundColor: objectives.map((o) => (o.planned < o.target ? "#c0392b" : "#1f5f8b")),
                    },
                ],
            },
            options: {
                indexAxis: "y",
                responsive: true,
                maintainAspectRatio: false,
                animation: false,
                plugins: {
                    legend: { position: "bottom", labels: { boxWidth: 12 } },
                    tooltip: {
                        callbacks: {
                            label: (context) => {
                                const o = objectives[context.dataIndex];
                                return context.datasetIndex === 0
                                    ? `Target: ${number(o.target)}`
                                    : `Planned: ${number(o.planned)} (${o.percent}% of target)`;
                            },
                        },
                    },
                },
                scales: {
                    x: { beginAtZero: true, title: { display: true, text: "% of target" }, ticks: { callback: (v) => `${v}%` } },
                    // On a narrow screen long objective names are shortened; the table below has them in full.
                    y: { ticks: { callback: (v) => short(objectives[v].name, canvas.clientWidth < 500 ? 16 : 40) } },
                },
            },
        });
    }

    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", drawAlignmentChart);
    } else {
        drawAlignmentChart();
    }
})();
