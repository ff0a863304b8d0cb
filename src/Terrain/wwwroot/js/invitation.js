// Progressive enhancement: without this file the link is still shown, selected on focus by the reader.
document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("[data-copy]").forEach((button) => {
        const field = document.querySelector(button.dataset.copy);
        if (!field || !navigator.clipboard) {
            return;
        }

        button.hidden = false;
        button.addEventListener("click", async () => {
            await navigator.clipboard.writeText(field.value);
            const done = button.parentElement.querySelector("[data-copied]");
            if (done) {
                done.hidden = false;
            }
        });
    });
    document.querySelectorAll("[data-select-on-focus]").forEach((field) => field.addEventListener("focus", () => field.select()));
});
