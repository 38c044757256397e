/* The Django admin (templates/admin/base_site.html). Its two-box picker (filter_horizontal) names the
   filter boxes by an icon, a <span> with an aria-label and no role, which assistive technology may
   ignore (WCAG 4.1.2): the icon becomes an image of that name. SelectFilter2.js draws the pickers on
   the window's load, before this listener (added later) runs. */
"use strict";
window.addEventListener("load", function () {
  document.querySelectorAll(".selector .search-label-icon[aria-label]:not([role])").forEach(function (icon) {
    icon.setAttribute("role", "img");
  });
});
