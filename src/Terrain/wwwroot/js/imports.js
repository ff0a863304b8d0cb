// Follows a running import on the admin page: polls its progress and shows the report when it ends.
// Without this file the page refreshes itself (a meta refresh in <noscript>) and has a Refresh link.
(() => {
    const follow = (panel) => {
        if (panel.dataset.following) {
            return;
        }
        panel.dataset.following = "true";
        const bar = panel.querySelector("progress");
        const label = panel.querySelector("label");
        const status = panel.querySelector(".job-status");
        const tick = async () => {
            let job;
            try {
                const response = await fetch(panel.dataset.progressUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" });
                if (!response.ok) {
                    throw new Error(String(response.status));
                }
                job = await response.json();
            } catch {
                setTimeout(tick, 3000);
                return;
            }
            if (job.state === "Done" || job.state === "Failed") {
                window.location.assign(panel.dataset.doneUrl);
                return;
            }
            bar.value = job.percent;
            bar.textContent = `${job.percent}%`;
            if (label) {
                label.textContent = label.textContent.replace(/\d+% done/, `${job.percent}% done`);
            }
            status.textContent = job.state === "Queued"
                ? "Waiting for the import before it of the same kind to finish."
                : `${job.phase}: ${job.rowsRead.toLocaleString()} rows, ${Math.floor(job.bytesRead / 1024).toLocaleString()} of ${Math.floor(job.sizeBytes / 1024).toLocaleString()} KB read.`;
            setTimeout(tick, 700);
        };
        setTimeout(tick, 500);
    };
    const start = () => document.querySelectorAll("[data-import-job]").forEach(follow);
    document.addEventListener("DOMContentLoaded", start);
    document.addEventListener("htmx:afterSettle", start);
})();
