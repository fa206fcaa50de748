// wagecheck self-check page: optional improvements only. Without this script the page still
// submits, adds and removes rows (the server re-renders the form).
"use strict";
(function () {
  var zh = document.documentElement.lang !== "en";

  function renumber(table) {
    var name = table.getAttribute("data-array");
    var rows = table.tBodies[0].rows;
    for (var i = 0; i < rows.length; i++) {
      var n = i + 1;
      rows[i].setAttribute("data-row", String(n));
      var els = rows[i].querySelectorAll("[name]");
      for (var j = 0; j < els.length; j++) {
        var el = els[j];
        var old = el.getAttribute("name");
        if (old === "_op") { el.value = "remove:" + name + "." + n; continue; }
        var parts = old.split(".");
        if (parts[0] === name && parts.length === 3) {
          parts[1] = String(n);
          el.setAttribute("name", parts.join("."));
          el.id = "f-" + parts.join(".");
        }
      }
    }
  }

  document.addEventListener("click", function (ev) {
    var b = ev.target.closest ? ev.target.closest("button[name=_op]") : null;
    if (!b) return;
    var op = b.value;
    if (op.indexOf("add:") === 0) {
      var table = b.parentNode.querySelector("table.rows");
      var body = table.tBodies[0];
      if (!body.rows.length || body.rows.length >= 64) return;
      ev.preventDefault();
      var row = body.rows[body.rows.length - 1].cloneNode(true);
      var inputs = row.querySelectorAll("input, select");
      for (var i = 0; i < inputs.length; i++) { inputs[i].value = ""; }
      var errs = row.querySelectorAll(".error");
      for (var k = 0; k < errs.length; k++) { errs[k].parentNode.removeChild(errs[k]); }
      body.appendChild(row);
      renumber(table);
      var first = row.querySelector("input, select");
      if (first) first.focus();
    } else if (op.indexOf("remove:") === 0) {
      var tr = b.closest("tr");
      var tbl = b.closest("table");
      ev.preventDefault();
      if (tbl.tBodies[0].rows.length > 1) {
        tr.parentNode.removeChild(tr);
      } else {
        var els = tr.querySelectorAll("input, select");
        for (var m = 0; m < els.length; m++) { els[m].value = ""; }
      }
      renumber(tbl);
    }
  });

  // Live hints: amounts read back in 万元 with separators; percentages as written.
  function hint(el) {
    var box = el.parentNode.querySelector(".hint");
    if (!box) {
      box = document.createElement("span");
      box.className = "hint";
      el.parentNode.appendChild(box);
    }
    var v = el.value.trim();
    var kind = el.getAttribute("data-hint");
    var text = "";
    if (kind === "amount" && /^-?\d+(\.\d+)?$/.test(v)) {
      var n = Number(v);
      text = n.toLocaleString(zh ? "zh-CN" : "en") + (zh ? " 元 ≈ " : " yuan ≈ ") +
        (n / 10000).toLocaleString(zh ? "zh-CN" : "en", { maximumFractionDigits: 2 }) + (zh ? " 万元" : " ×10k yuan");
    } else if (kind === "amount" && v && !/^-?\d+(\.\d+)?$/.test(v)) {
      text = zh ? "请只填写数字（元），不要加逗号或单位" : "digits only (yuan), no separators or units";
    } else if (kind === "ratio" && /^-?\d+(\.\d+)?%$/.test(v)) {
      text = "= " + (Number(v.slice(0, -1)) / 100);
    }
    box.textContent = text;
  }
  document.addEventListener("input", function (ev) {
    if (ev.target.getAttribute && ev.target.getAttribute("data-hint")) hint(ev.target);
  });
})();
