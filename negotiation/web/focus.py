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
  <component :is="'h' + level" tabindex="-1" :class="['focus-heading', extra_class]">{{ text }}</component>
</template>
<script>
module.exports = {
  mounted() {
    // Once per page: when the focused control disappears (its panel's move was sent), hand the
    // focus to the new seat panel, else to the first enabled watch control, so the keyboard
    // never falls back to the top of the page.
    if (!window.negFocusWatch) {
      let last = null;
      document.addEventListener("focusin", (e) => { last = e.target; });
      window.negFocusWatch = setInterval(() => {
        const lost = !document.activeElement || document.activeElement === document.body;
        if (!lost || !last || document.body.contains(last)) return;
        const next = document.querySelector(".seat-panel .focus-heading")
          || document.querySelector(".watch-controls button:not([disabled])");
        if (next) { next.focus(); last = next; }
      }, 100);
    }
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
    """`FocusHeading.element(text=..., level=2, extra_class="...", grab=True)` in a Solara component."""

    template = traitlets.Unicode(TEMPLATE).tag(sync=True)
    text = traitlets.Unicode("").tag(sync=True)
    level = traitlets.Int(2).tag(sync=True)
    extra_class = traitlets.Unicode("").tag(sync=True)
    grab = traitlets.Bool(True).tag(sync=True)


SETUP_TEMPLATE = """
<template><span class="page-setup" aria-hidden="true"></span></template>
<script>
module.exports = {
  mounted() {
    document.documentElement.lang = this.lang;
    if (window.negPageSetup) return;
    // Vuetify 2 marks a select's outer box role=button around a focusable input (nested
    // controls; a combobox may hold its input) and puts aria-expanded on an expansion panel's
    // div, whose header button already carries it: repair both.
    const fix = () => {
      for (const el of document.querySelectorAll(".v-select .v-input__slot[role=button]")) {
        el.setAttribute("role", "combobox");
      }
      for (const el of document.querySelectorAll(".v-expansion-panel[aria-expanded]")) {
        el.removeAttribute("aria-expanded");
      }
    };
    window.negPageSetup = new MutationObserver(fix);
    window.negPageSetup.observe(document.body, {subtree: true, childList: true, attributes: true,
                                                attributeFilter: ["role", "aria-expanded"]});
    fix();
  },
};
</script>
"""


class PageSetup(v.VuetifyTemplate):
    """Once per page: the page's language, and two ARIA repairs of Vuetify 2's markup."""

    template = traitlets.Unicode(SETUP_TEMPLATE).tag(sync=True)
    lang = traitlets.Unicode("en").tag(sync=True)
