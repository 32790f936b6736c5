/* Atlas start-up: wire layer toggles, load the data the state asks for, restore the selected feature,
 * and keep the URL in step with the view. `body[data-ready]` is set once everything shown has loaded. */
(function () {
  "use strict";
  const A = window.Atlas, cfg = A.cfg, map = A.map;
  const BOUNDARIES = cfg.catalogue.filter((c) => c.group === "boundaries").map((c) => c.name);

  A.toggleLayer = function (name, on) {
    if (cfg.resources.overlays.some((o) => o.name === name)) return A.setOverlay(name, on);
    A.setVisible(name, on);
    if (BOUNDARIES.indexOf(name) >= 0) A.syncBoundary(name).then(() => A.emit("boundaries"));
    else A.refreshPoints();
  };

  A.localiseControls();
  A.renderPanels();
  A.renderSide();
  map.on("moveend", A.writeUrl);

  const boundaries = Promise.all(BOUNDARIES.map((name) => A.syncBoundary(name)));
  const points = A.loadPoints().then(() => {
    A.refreshPoints();
    if (A.state.selected) A.openFeature(A.state.selected, { keepView: true });
  }).catch((err) => {
    console.warn(err);
    A.toast(A.t("load_failed", { name: A.t("group_layout") }));
  });
  // bad values of the link were replaced by the server (maps.state.Notice); the note says which, until closed
  const notices = document.getElementById("notices");
  document.getElementById("notices-close").addEventListener("click", () => (notices.hidden = true));
  Promise.all([boundaries, points, A.versionsReady]).then(() => {
    A.emit("boundaries");
    document.body.dataset.ready = "1";
  });
})();
