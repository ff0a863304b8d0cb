// "Read the strategy" is ticked when the rep reaches the end of the page: the end marker coming into view posts it,
// as the button beside it does without this file.
(() => {
    "use strict";

    function start() {
        const marker = document.getElementById("read-to-end");
        const form = marker && marker.querySelector("form");
        if (!form || marker.dataset.read !== "no" || !("IntersectionObserver" in window)) {
            return;
        }
        let sent = false;
        const done = () => {
            marker.dataset.read = "yes";
            marker.querySelectorAll("[data-read-ask]").forEach((el) => { el.hidden = true; });
            marker.querySelector("[data-read-done]").hidden = false;
            const step = document.getElementById("buyin-read");
            if (step) {
                step.classList.replace("step-todo", "step-done");
                step.querySelector(".step-icon").textContent = "✓";
                const state = step.querySelector("[data-read-state]");
                state.className = "step-state";
                state.textContent = "Read to the end";
            }
        };
        const observer = new IntersectionObserver((entries) => {
            if (sent || !entries.some((e) => e.isIntersecting)) {
                return;
            }
            sent = true;
            observer.disconnect();
            fetch(form.action, { method: "POST", body: new FormData(form), headers: { "HX-Request": "true" }, credentials: "same-origin" })
                .then((answer) => {
                    if (answer.ok) {
                        done();
                    } else {
                        sent = false;
                    }
                })
                .catch(() => { sent = false; });
        }, { threshold: 0.5 });
        observer.observe(marker);
    }

    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", start);
    } else {
        start();
    }
})();
