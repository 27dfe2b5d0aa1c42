/* formkit web form: live checks while typing (T.C. kimlik checksum, mobile number).
   Only a help for the person typing: the server checks everything again and is the authority.
   Loaded as a file from the same origin (the Content-Security-Policy allows no inline script). */
(function () {
  "use strict";

  function digits(text) {
    return text.replace(/\D/g, "");
  }

  /* T.C. kimlik no: 11 digits, first not 0; d10 = ((d1+d3+d5+d7+d9)*7 - (d2+d4+d6+d8)) mod 10,
     d11 = (d1+...+d10) mod 10. Returns "" when valid, else the problem in Turkish. */
  function tcProblem(value, finished) {
    var text = value.trim();
    if (text === "") return finished ? "T.C. kimlik numarası boş olamaz" : "";
    if (/\D/.test(text)) return "T.C. kimlik numarası yalnızca rakamlardan oluşur";
    if (text.length < 11) return finished ? "T.C. kimlik numarası 11 haneli olmalı" : "";
    if (text.length > 11) return "T.C. kimlik numarası 11 haneli olmalı";
    if (text.charAt(0) === "0") return "T.C. kimlik numarası 0 ile başlamaz";
    var d = text.split("").map(Number);
    var odd = d[0] + d[2] + d[4] + d[6] + d[8];
    var even = d[1] + d[3] + d[5] + d[7];
    var tenth = (((odd * 7 - even) % 10) + 10) % 10;
    var sum = 0;
    for (var i = 0; i < 10; i++) sum += d[i];
    if (d[9] !== tenth || d[10] !== sum % 10) {
      return "geçerli bir T.C. kimlik numarası değil (kontrol haneleri tutmuyor)";
    }
    return "";
  }

  /* Mobile number: separators allowed, optional +90 / 90 / 0 prefix, then 10 digits starting with 5. */
  function phoneProblem(value, finished) {
    var text = value.trim();
    if (text === "") return finished ? "cep telefonu boş olamaz" : "";
    if (/[^\d\s()+\-.]/.test(text)) return "cep telefonunda yalnızca rakam olmalı";
    var d = digits(text);
    if (d.indexOf("90") === 0 && d.length > 10) d = d.slice(2);
    if (d.charAt(0) === "0") d = d.slice(1);
    if (d.length > 0 && d.charAt(0) !== "5") return "cep telefonu 5 ile başlamalı (05XX XXX XX XX)";
    if (d.length > 10) return "cep telefonu 10 haneli olmalı (05XX XXX XX XX)";
    if (d.length < 10 && finished) return "cep telefonu 10 haneli olmalı (05XX XXX XX XX)";
    return "";
  }

  function show(input, message) {
    var box = document.getElementById(input.id + "-hata");
    if (!box) return;
    if (message) {
      box.textContent = message;
      box.hidden = false;
      input.setAttribute("aria-invalid", "true");
    } else {
      box.textContent = "";
      box.hidden = true;
      input.removeAttribute("aria-invalid");
    }
  }

  function watch(id, problem) {
    var input = document.getElementById(id);
    if (!input) return;
    input.addEventListener("input", function () {
      show(input, problem(input.value, false));
    });
    input.addEventListener("blur", function () {
      if (input.value.trim() !== "") show(input, problem(input.value, true));
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    watch("tc_kimlik_no", tcProblem);
    watch("cep_telefonu", phoneProblem);
    var summary = document.getElementById("hata-ozeti");
    if (summary) summary.focus();
  });
})();
