// The print button needs a script; without one the browser's own Print command does the same.
document.addEventListener("DOMContentLoaded", () => {
    const button = document.getElementById("print-button");
    if (!button) {
        return;
    }

    button.hidden = false;
    button.addEventListener("click", () => window.print());
});
