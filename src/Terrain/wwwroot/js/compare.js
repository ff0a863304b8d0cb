// Progressive enhancement: the "only changed sections" filter applies at once instead of on Apply.
document.documentElement.classList.add("js");
document.addEventListener("DOMContentLoaded", () => {
    const box = document.getElementById("changed");
    if (!box) {
        return;
    }

    box.addEventListener("change", () => {
        document.querySelectorAll(".diff-section.same").forEach((section) => {
            section.hidden = box.checked;
        });
        const url = new URL(window.location.href);
        if (box.checked) {
            url.searchParams.set("changed", "true");
        } else {
            url.searchParams.delete("changed");
        }
        window.history.replaceState(null, "", url);
    });
});
