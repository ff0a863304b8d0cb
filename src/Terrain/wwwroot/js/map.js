// The territory map: the state boundaries shipped with the app (and tiles only when a tile server is configured: by
// default nothing comes from another origin), the accounts coloured by territory and clustered when zoomed out
// (supercluster), a click-through to each account, and selecting the accounts inside a drawn rectangle or a freehand
// lasso, listed in a table and handed to the move form when there is one (all ids in one field: see ParseIds).
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
        const nameOf = new Map(territories.map((t) => [t.colour, t.vacant ? `${t.name} (vacant)` : t.name]));
        const territoryName = (colour) => nameOf.get(colour) || "Unassigned";
        const accounts = data.accounts.map(([id, name, lat, lon, potential, territory, approximate]) =>
            ({ id, name, lat, lon, potential, territory, approximate: approximate === 1 }));

        const map = window.L.map(host, { zoomSnap: 0.5, attributionControl: true, preferCanvas: false });
        map.attributionControl.setPrefix("Leaflet · boundaries: us-atlas (US Census)");
        if (host.dataset.tileUrl) {
            // Configured by the installation (Terrain:Map:TileUrl); the content security policy allows exactly its origin.
            window.L.tileLayer(host.dataset.tileUrl, { attribution: host.dataset.tileAttribution || "", maxZoom: 18 }).addTo(map);
        }
        const states = window.topojson.feature(boundaries, boundaries.objects.states);
        window.L.geoJSON(states, { className: "map-state", interactive: false }).addTo(map);
        const bounds = accounts.length ? window.L.latLngBounds(accounts.map((a) => [a.lat, a.lon])).pad(0.1) : null;
        // Fitted to the accounts, until the person moves or zooms the map themselves.
        let fitting = false;
        let followAccounts = true;
        const fit = () => {
            fitting = true;
            if (bounds) {
                map.fitBounds(bounds, { animate: false });
            } else {
                map.setView([39.5, -98.35], 4, { animate: false });
            }
            fitting = false;
            const size = map.getSize();
            host.dataset.mapSize = `${size.x}x${size.y}`;
        };
        fit();
        map.on("dragstart", () => { followAccounts = false; });
        map.on("zoomstart", () => { if (!fitting) { followAccounts = false; } });

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
                    radius: 7, className: `pt t-${colourOf(a.territory)}${a.approximate ? " approximate" : ""}${selected.has(a.id) ? " selected" : ""}`,
                });
                const popup = document.createElement("div");
                const link = document.createElement("a");
                link.href = `/Territory?q=${encodeURIComponent(a.name)}`;
                link.textContent = a.name;
                const line = document.createElement("div");
                line.textContent = `${territoryName(a.territory)} · ${money(a.potential)}${a.approximate ? " · approximate location (ZIP code centre)" : ""}`;
                popup.append(link, line);
                dot.bindPopup(popup);
                dot.addTo(layer);
            });
        };
        map.on("moveend zoomend", draw);
        draw();

        // Leaflet measures its container only when told: when the container changes size (the window narrowed to a
        // phone's width, a phone turned), it is told once the resizing settles, and the view is fitted to the accounts
        // again unless the person has moved the map since; otherwise the map keeps the size it had and the accounts on
        // its right fall outside the container.
        let resizing = 0;
        const resized = () => {
            window.clearTimeout(resizing);
            resizing = window.setTimeout(() => {
                map.invalidateSize({ pan: false });
                if (followAccounts) {
                    fit();
                } else {
                    const size = map.getSize();
                    host.dataset.mapSize = `${size.x}x${size.y}`;
                }
                draw();
            }, 150);
        };
        if (window.ResizeObserver) {
            new window.ResizeObserver(resized).observe(host);
        } else {
            window.addEventListener("resize", resized);
        }

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
                [a.name, territoryName(a.territory), money(a.potential)].forEach((text, i) => {
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
                form.querySelector("[data-move-ids]").value = picked.map((a) => a.id).join(",");
                form.hidden = picked.length === 0;
                const count = form.querySelector("[data-move-count]");
                if (count) {
                    count.textContent = `${number(picked.length)} ${picked.length === 1 ? "account" : "accounts"}`;
                }
            }
            draw();
        };

        // Selecting: while a tool is pressed, dragging draws a rectangle or a freehand lasso instead of moving the map.
        // Keyboard users select in the account list (its checkboxes) instead; the table beside the map has the figures.
        const lassoToggle = tools.querySelector("[data-select-lasso]");
        let mode = null;
        let from = null;
        let shape = null;
        let trail = [];
        const setMode = (next) => {
            mode = next;
            toggle.setAttribute("aria-pressed", mode === "box" ? "true" : "false");
            lassoToggle.setAttribute("aria-pressed", mode === "lasso" ? "true" : "false");
            host.classList.toggle("selecting", mode !== null);
            if (mode) {
                map.dragging.disable();
                status.textContent = mode === "box"
                    ? "Drag over the map to select the accounts in that rectangle."
                    : "Draw around the accounts to select them; release to close the loop.";
            } else {
                map.dragging.enable();
            }
        };
        toggle.addEventListener("click", () => setMode(mode === "box" ? null : "box"));
        lassoToggle.addEventListener("click", () => setMode(mode === "lasso" ? null : "lasso"));
        tools.querySelector("[data-clear-selection]").addEventListener("click", () => {
            selected.clear();
            showSelection();
        });

        // Ray casting in screen coordinates (the lasso is drawn on the screen, so it is judged there too).
        const inside = (point, ring) => {
            let hit = false;
            for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
                const [xi, yi] = [ring[i].x, ring[i].y];
                const [xj, yj] = [ring[j].x, ring[j].y];
                if ((yi > point.y) !== (yj > point.y) && point.x < ((xj - xi) * (point.y - yi)) / (yj - yi) + xi) {
                    hit = !hit;
                }
            }
            return hit;
        };
        const begin = (latlng) => {
            from = latlng;
            trail = [latlng];
            shape = mode === "box"
                ? window.L.rectangle([from, from], { className: "map-area", interactive: false }).addTo(map)
                : window.L.polygon([from], { className: "map-area", interactive: false }).addTo(map);
        };
        const extend = (latlng) => {
            if (!from || !shape) {
                return;
            }
            if (mode === "box") {
                shape.setBounds(window.L.latLngBounds(from, latlng));
                return;
            }
            const last = map.latLngToContainerPoint(trail[trail.length - 1]);
            if (last.distanceTo(map.latLngToContainerPoint(latlng)) >= 3) {
                trail.push(latlng);
                shape.setLatLngs(trail);
            }
        };
        const finish = (latlng) => {
            if (!from) {
                return;
            }
            if (mode === "box") {
                const area = window.L.latLngBounds(from, latlng);
                accounts.filter((a) => area.contains([a.lat, a.lon])).forEach((a) => selected.add(a.id));
            } else {
                trail.push(latlng);
                if (trail.length >= 3) {
                    const ring = trail.map((p) => map.latLngToContainerPoint(p));
                    accounts.filter((a) => inside(map.latLngToContainerPoint([a.lat, a.lon]), ring)).forEach((a) => selected.add(a.id));
                }
            }
            if (shape) {
                map.removeLayer(shape);
            }
            from = null;
            shape = null;
            trail = [];
            setMode(null);
            showSelection();
        };
        map.on("mousedown", (e) => {
            if (mode) {
                begin(e.latlng);
            }
        });
        map.on("mousemove", (e) => {
            if (mode) {
                extend(e.latlng);
            }
        });
        map.on("mouseup", (e) => {
            if (mode) {
                finish(e.latlng);
            }
        });
        // Touch: Leaflet does not turn touches into mouse events on the map, so follow the finger by hand.
        const touchAt = (e) => map.mouseEventToLatLng(e.touches[0] || e.changedTouches[0]);
        host.addEventListener("touchstart", (e) => {
            if (mode && e.touches.length === 1) {
                e.preventDefault();
                begin(touchAt(e));
            }
        }, { passive: false });
        host.addEventListener("touchmove", (e) => {
            if (mode && from) {
                e.preventDefault();
                extend(touchAt(e));
            }
        }, { passive: false });
        host.addEventListener("touchend", (e) => {
            if (mode && from) {
                e.preventDefault();
                finish(touchAt(e));
            }
        }, { passive: false });
    }

    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", start);
    } else {
        start();
    }
})();
