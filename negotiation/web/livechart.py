"""A Vega-Lite chart that is drawn once and then only gets new data.

Solara's `VegaLite` widget embeds the whole chart again whenever its spec changes (after a 100 ms
debounce), which costs a parse and a full redraw per chart per round. `LiveChart` embeds the
spec once and, when `datasets` change, hands the data sets that changed to the running Vega view
(`view.data(name, rows)`), which redraws only what changed. It loads the same offline Vega,
Vega-Lite and vega-embed files as Solara's widget.

The spec and the data sets travel as JSON text: the server's renderer (reacton) then compares and
walks one string per chart each round instead of every row of every data set. Data sets that do
not change in a game (e.g. a frontier) stay in the spec's own `datasets` and are not sent again.
"""

from __future__ import annotations

import ipyvuetify as v
import traitlets

TEMPLATE = """
<template>
  <div class="live-chart"><div ref="plot"></div></div>
</template>
<script>
module.exports = {
  mounted() { this.draw(); },
  watch: {
    spec() { this.draw(); },
    datasets() { this.update(); },
    description() { this.label(); },
  },
  methods: {
    cdn() {
      return window.solara ? window.solara.cdn : "./_solara/cdn";
    },
    load() {
      if (window.negVega) return window.negVega;
      const base = this.cdn();
      window.negVega = new Promise((resolve, reject) => {
        const go = () => {
          window.requirejs.config({map: {"*": {
            "vega": `${base}/vega@5/build/vega.min.js`,
            "vega-lite": `${base}/vega-lite@5/build/vega-lite.min.js`,
            "vega-embed": `${base}/vega-embed@6/build/vega-embed.min.js`,
          }}});
          window.requirejs(["vega", "vega-lite", "vega-embed"], (a, b, embed) => resolve(embed), reject);
        };
        if (window.requirejs) return go();
        const script = document.createElement("script");
        script.src = `${base}/requirejs@2.3.6/require.js`;
        script.onload = go;
        script.onerror = reject;
        document.head.appendChild(script);
      });
      return window.negVega;
    },
    async draw() {
      const embed = await this.load();
      const drawn = this.datasets;
      const spec = JSON.parse(this.spec || "{}");
      this.sent = JSON.parse(drawn || "{}");
      spec.datasets = {...(spec.datasets || {}), ...this.sent};
      if (this.view) this.view.finalize();
      this.view = null;
      const result = await embed(this.$refs.plot, spec, {actions: false, renderer: "svg"});
      this.view = result.view;
      // data that came while the chart was being drawn
      if (this.datasets !== drawn) await this.update(); else this.label();
    },
    async update() {
      if (!this.view) return;
      const now = JSON.parse(this.datasets || "{}");
      let changed = false;
      for (const [name, rows] of Object.entries(now)) {
        // only the data sets that changed: an unchanged one would be redrawn for nothing
        if (JSON.stringify(rows) === JSON.stringify((this.sent || {})[name])) continue;
        this.view.data(name, rows);
        changed = true;
      }
      this.sent = now;
      if (changed) await this.view.runAsync();
      this.label();
    },
    label() {
      const svg = this.$refs.plot && this.$refs.plot.querySelector("svg");
      if (svg) svg.setAttribute("aria-label", this.description);
    },
  },
  destroyed() { if (this.view) this.view.finalize(); },
};
</script>
<style id="neg-live-chart">
.live-chart .vega-embed { width: 100%; }
</style>
"""


class LiveChart(v.VuetifyTemplate):
    """`LiveChart.element(spec=..., datasets=..., description=...)`: `spec` the Vega-Lite spec as
    JSON text, fixed for a game (its own `datasets` are the data that never change); `datasets`
    the named data sets of this round as JSON text (an object: name -> rows)."""

    template = traitlets.Unicode(TEMPLATE).tag(sync=True)
    spec = traitlets.Unicode("{}").tag(sync=True)
    datasets = traitlets.Unicode("{}").tag(sync=True)
    description = traitlets.Unicode("").tag(sync=True)
