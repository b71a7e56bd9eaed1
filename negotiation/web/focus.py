"""A heading that takes the keyboard focus when it appears.

Each seat panel (and the debrief) starts with a `FocusHeading`: when the game moves on and a new
panel is drawn, focus moves to its heading, so a keyboard or screen-reader user lands on the new
question instead of the top of the page. The heading is focusable only by script (tabindex -1).
"""

from __future__ import annotations

import ipyvuetify as v
import traitlets

TEMPLATE = """
<template>
  <component :is="'h' + level" tabindex="-1" :class="['focus-heading', css]">{{ text }}</component>
</template>
<script>
module.exports = {
  mounted() {
    if (this.grab) {
      const el = this.$el;
      window.requestAnimationFrame(() => {
        el.focus({preventScroll: true});
        el.scrollIntoView({block: "nearest"});
      });
    }
  },
};
</script>
"""


class FocusHeading(v.VuetifyTemplate):
    """`FocusHeading.element(text=..., level=2, css="...", grab=True)` in a Solara component."""

    template = traitlets.Unicode(TEMPLATE).tag(sync=True)
    text = traitlets.Unicode("").tag(sync=True)
    level = traitlets.Int(2).tag(sync=True)
    css = traitlets.Unicode("").tag(sync=True)
    grab = traitlets.Bool(True).tag(sync=True)
