// Script errors, unhandled rejections and console.error land in #errors, where the tests look.
(function () {
  var box = document.getElementById('errors');
  function report(text) { box.textContent += text + '\n'; }
  window.lockstepReport = report;
  window.addEventListener('error', function (e) {
    report('error: ' + (e.message || e.type) + (e.lineno ? ' (line ' + e.lineno + ':' + e.colno + ')' : ''));
  });
  window.addEventListener('unhandledrejection', function (e) { report('unhandled rejection: ' + e.reason); });
  var original = console.error;
  console.error = function () {
    report('console.error: ' + Array.prototype.join.call(arguments, ' '));
    return original.apply(console, arguments);
  };
})();
