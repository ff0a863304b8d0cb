// Board filters apply as soon as one changes; without this file the form's Apply button does it.
(() => {
    "use strict";
    for (const form of document.querySelectorAll("form[data-apply-on-change]")) {
        form.addEventListener("change", () => form.requestSubmit());
        for (const button of form.querySelectorAll("[data-apply-button]")) {
            button.hidden = true;
        }
    }
})();
