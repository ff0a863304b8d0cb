// The territory map: the state boundaries shipped with the app (no tile server, nothing from another origin), the
// accounts coloured by territory and clustered when zoomed out (supercluster), a click-through to each account, and
// selecting the accounts inside a drawn rectangle, listed in a table and handed to the move form when there is one.
(function () {
    "use strict";

    const lang = document.documentElement.lang || "en";
    const currency = document.documentElement.dataset.currency || "USD";
    const money = (v) => Number(v).toLocaleString(lang, { style: "currency", currency, maximumFractionDigits: 0 });
    const number = (v) => Number(v).toLocaleString(lang);

    async function start() {
        const host = document.getElementById("territory-map");
        if (!host || !window.L || !window.Supercluster || !window.topojson) {
            return;
        }
        const [data, boundaries] = await Promise.all([
            fetch(host.dataset.points, { credentials: "same-origin", headers: { Accept: "application/json" } }).then((r) => r.json()),
            fetch(host.dataset.boundaries).then((r) => r.json()),
        ]);
        const territories = data.territories;
        const colourOf = (index) => (index < 0 ? "none" : String(index % 12));
        const nameOf = new Map(territories.map((t) => [t.colour, t.name]));
        const accounts = data.accounts.map(([id, name, lat, lon, potential, territory]) => ({ id, name, lat, lon, potential, territory }));

        const map = window.L.map(host, { zoomSnap: 0.5, attributionControl: true, preferCanvas: false });
        map.attributionControl.setPrefix("Leaflet · boundaries: us-atlas (US Census)");
        const states = window.topojson.feature(boundaries, boundaries.objects.states);
        window.L.geoJSON(states, { className: "map-state", interactive: false }).addTo(map);
        if (accounts.length) {
            map.fitBounds(window.L.latLngBounds(accounts.map((a) => [a.lat, a.lon])).pad(0.1));
        } else {
            map.setView([39.5, -98.35], 4);
        }

        const index = new window.Supercluster({ radius: 48, maxZoom: 11 });
        index.load(accounts.map((a, i) => ({ type: "Feature", properties: { i }, geometry: { type: "Point", coordinates: [a.lon, a.lat] } })));
        const layer = window.L.layerGroup().addTo(map);
        const selected = new Set();

        const draw = () => {
            layer.clearLayers();
            const b = map.getBounds();
            const clusters = index.getClusters([b.getWest(), b.getSouth(), b.getEast(), b.getNorth()], Math.round(map.getZoom()));
            clusters.forEach((c) => {
                const [lon, lat] = c.geometry.coordinates;
                if (c.properties.cluster) {
                    const n = c.properties.point_count;
                    const size = n < 10 ? 30 : n < 100 ? 38 : 46;
                    const icon = window.L.divIcon({ className: "", html: `<span class="map-cluster" aria-hidden="true">${number(n)}</span>`, iconSize: [size, size] });
                    const marker = window.L.marker([lat, lon], { icon, title: `${number(n)} accounts: zoom in`, alt: `${number(n)} accounts`, keyboard: true });
                    marker.on("click", () => map.flyTo([lat, lon], Math.min(index.getClusterExpansionZoom(c.id), 14)));
                    marker.addTo(layer);
                    return;
                }
                const a = accounts[c.properties.i];
                const dot = window.L.circleMarker([lat, lon], {
                    radius: 7, className: `pt t-${colourOf(a.territory)}${selected.has(a.id) ? " selected" : ""}`,
                });
                const popup = document.createElement("div");
                const link = document.createElement("a");
                link.href = `/Territory?q=${encodeURIComponent(a.name)}`;
                link.textContent = a.name;
                const line = document.createElement("div");
                line.textContent = `${nameOf.get(a.territory) || "Nobody"} · ${money(a.potential)}`;
                popup.append(link, line);
                dot.bindPopup(popup);
                dot.addTo(layer);
            });
        };
        map.on("moveend zoomend", draw);
        draw();

        // Selecting an area: while the button is pressed, dragging draws a rectangle instead of moving the map.
        const tools = document.querySelector("[data-map-tools]");
        const toggle = tools.querySelector("[data-select-area]");
        const status = tools.querySelector("[data-map-status]");
        const panel = document.querySelector("[data-selection]");
        const rows = document.querySelector("[data-selection-rows]");
        const form = document.querySelector("[data-move-form]");
        tools.hidden = false;
        status.textContent = data.shown < data.total
            ? `Showing the ${number(data.shown)} accounts with the most potential of ${number(data.total)}; filter to see the rest.`
            : `${number(data.shown)} accounts on the map.`;

        const showSelection = () => {
            const picked = accounts.filter((a) => selected.has(a.id)).sort((x, y) => y.potential - x.potential);
            rows.replaceChildren(...picked.map((a) => {
                const tr = document.createElement("tr");
                [a.name, nameOf.get(a.territory) || "Nobody", money(a.potential)].forEach((text, i) => {
                    const td = document.createElement(i === 0 ? "th" : "td");
                    if (i === 0) {
                        td.scope = "row";
                    }
                    if (i === 2) {
                        td.className = "num";
                    }
                    td.textContent = text;
                    tr.append(td);
                });
                return tr;
            }));
            panel.hidden = picked.length === 0;
            const total = picked.reduce((s, a) => s + a.potential, 0);
            status.textContent = picked.length
                ? `${number(picked.length)} ${picked.length === 1 ? "account" : "accounts"} selected, ${money(total)} of potential.`
                : "No accounts selected.";
            if (form) {
                const ids = form.querySelector("[data-move-ids]");
                ids.replaceChildren(...picked.map((a) => Object.assign(document.createElement("input"), { type: "hidden", name: "ids", value: a.id })));
                form.hidden = picked.length === 0;
                const count = form.querySelector("[data-move-count]");
                if (count) {
                    count.textContent = `${number(picked.length)} ${picked.length === 1 ? "account" : "accounts"}`;
                }
            }
            draw();
        };

        let selecting = false;
        let from = null;
        let box = null;
        const setSelecting = (on) => {
            selecting = on;
            toggle.setAttribute("aria-pressed", on ? "true" : "false");
            host.classList.toggle("selecting", on);
            if (on) {
                map.dragging.disable();
                status.textContent = "Drag over the map to select the accounts in that area.";
            } else {
                map.dragging.enable();
            }
        };
        toggle.addEventListener("click", () => setSelecting(!selecting));
        tools.querySelector("[data-clear-selection]").addEventListener("click", () => {
            selected.clear();
            showSelection();
        });
        map.on("mousedown", (e) => {
            if (!selecting) {
                return;
            }
            from = e.latlng;
            box = window.L.rectangle([from, from], { className: "map-area", interactive: false }).addTo(map);
        });
        map.on("mousemove", (e) => {
            if (selecting && from && box) {
                box.setBounds(window.L.latLngBounds(from, e.latlng));
            }
        });
        map.on("mouseup", (e) => {
            if (!selecting || !from) {
                return;
            }
            const area = window.L.latLngBounds(from, e.latlng);
            accounts.filter((a) => area.contains([a.lat, a.lon])).forEach((a) => selected.add(a.id));
            map.removeLayer(box);
            from = null;
            box = null;
            setSelecting(false);
            showSelection();
        });
    }

    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", start);
    } else {
        start();
    }
})();
