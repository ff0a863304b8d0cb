// Progressive enhancement only: every page works without this file.
document.addEventListener("htmx:xhr:progress", (event) => {
    const bar = document.getElementById("upload-progress");
    if (bar && event.detail.lengthComputable) {
        bar.value = Math.round((event.detail.loaded / event.detail.total) * 100);
    }
});

// htmx requests carry the antiforgery token that every form already holds.
document.addEventListener("htmx:configRequest", (event) => {
    const token = document.querySelector("input[name='__RequestVerificationToken']");
    if (token && !event.detail.parameters["__RequestVerificationToken"]) {
        event.detail.headers["X-CSRF-TOKEN"] = token.value;
    }
});

// The phone menu (a <details>, which opens and closes without this file) also closes on Escape, back on its button.
document.addEventListener("keydown", (event) => {
    const menu = document.getElementById("menu");
    if (event.key === "Escape" && menu && menu.open && menu.contains(document.activeElement)) {
        menu.open = false;
        menu.querySelector("summary").focus();
    }
});
