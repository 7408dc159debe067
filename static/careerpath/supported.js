// GOV.UK Frontend only initialises components when <body> says the browser supports them.
document.body.className += " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " govuk-frontend-supported" : "");
