// Served in place of https://appsforoffice.microsoft.com/lib/1/hosted/office.js
// for the "inside Excel" browser scenario. It is a plain browser script (not a
// Node module): it defines window.Office (host Excel, dark theme, document
// settings), window.CustomFunctions (associate records id → fn into
// window.__fit) and window.Excel, a recording fake of the slice of the Excel
// object model that src/taskpane/excelAdapter.ts and taskpane.ts use.
//
// The fake is a plain-JS port of test/fakeExcel.ts: writes land in a per-sheet
// cell map and an ordered log; context.sync() is counted; loaded properties can
// be read only after load() + sync(); shape mismatches, bad sheet/table names
// and ranges past the grid fail the way Excel fails. Everything it records is
// in window.__fakeExcel.state (plain objects, so page.evaluate can return it).
(function () {
  "use strict";
  var MAX_ROWS = 1048576;
  var MAX_COLUMNS = 16384;

  // ------------------------------------------------------------ A1 helpers
  function columnLetters(index) {
    var s = "";
    for (var n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
    return s;
  }
  function columnIndex(letters) {
    var n = 0;
    var up = letters.toUpperCase();
    for (var i = 0; i < up.length; i++) n = n * 26 + (up.charCodeAt(i) - 64);
    return n - 1;
  }
  function cellAddress(row, col) {
    return columnLetters(col) + (row + 1);
  }
  var CELL_RE = /^\$?([A-Za-z]{1,3})\$?(\d+)$/;
  function parseRange(address) {
    var bare = address.indexOf("!") >= 0 ? address.slice(address.lastIndexOf("!") + 1) : address;
    var parts = bare.split(":");
    var a = parts[0];
    var b = parts.length > 1 ? parts[1] : a;
    var col = /^\$?([A-Za-z]{1,3})$/;
    var row = /^\$?(\d+)$/;
    if (col.test(a) && col.test(b)) return { top: 0, bottom: MAX_ROWS - 1, left: columnIndex(a.replace("$", "")), right: columnIndex(b.replace("$", "")) };
    if (row.test(a) && row.test(b)) return { top: Number(a.replace("$", "")) - 1, bottom: Number(b.replace("$", "")) - 1, left: 0, right: MAX_COLUMNS - 1 };
    var p = CELL_RE.exec(a);
    var q = CELL_RE.exec(b);
    if (!p || !q) throw new FakeExcelError("InvalidArgument", "'" + address + "' is not an A1 address.");
    var x = { row: Number(p[2]) - 1, col: columnIndex(p[1]) };
    var y = { row: Number(q[2]) - 1, col: columnIndex(q[1]) };
    return { top: Math.min(x.row, y.row), bottom: Math.max(x.row, y.row), left: Math.min(x.col, y.col), right: Math.max(x.col, y.col) };
  }
  function boundsText(b) {
    return b.top === b.bottom && b.left === b.right ? cellAddress(b.top, b.left) : cellAddress(b.top, b.left) + ":" + cellAddress(b.bottom, b.right);
  }

  function FakeExcelError(code, message) {
    var e = new Error(message);
    e.code = code;
    e.name = "FakeExcelError";
    return e;
  }

  // ------------------------------------------------------------ recorded state
  function newSheet(name) {
    return { name: name, cells: {}, tables: [], charts: [], conditionalFormats: [], validations: [], styles: [], columnWidths: {}, hiddenColumns: [], autofit: [], frozen: null };
  }
  var state = {
    sheets: [newSheet("Sheet1")],
    activeSheet: "Sheet1",
    activeCell: "A1",
    definedNames: [],
    syncCount: 0,
    runCount: 0,
    suspendScreenUpdating: 0,
    suspendCalculation: 0,
    calculations: [],
    log: [],
  };
  function sheetOf(name) {
    for (var i = 0; i < state.sheets.length; i++) if (state.sheets[i].name.toLowerCase() === name.toLowerCase()) return state.sheets[i];
    throw FakeExcelError("ItemNotFound", "No sheet '" + name + "'.");
  }

  function makeContext() {
    var pendingLoads = [];
    var pendingError;

    // Properties readable only after load(...) and a sync, as in Office.js.
    function loadable(obj, compute) {
      var loaded = {};
      Object.keys(compute).forEach(function (prop) {
        Object.defineProperty(obj, prop, {
          get: function () {
            if (!Object.prototype.hasOwnProperty.call(loaded, prop)) throw FakeExcelError("PropertyNotLoaded", "The property '" + prop + "' is not available. Load it and call context.sync() before reading it.");
            return loaded[prop];
          },
          set: function (v) {
            if (prop !== "name") throw FakeExcelError("ReadOnly", "'" + prop + "' is read-only here.");
            loaded[prop] = v;
          },
          enumerable: true,
        });
      });
      obj.load = function (props) {
        var list = (Array.isArray(props) ? props : String(props).split(",")).map(function (p) { return p.trim().split("/")[0]; });
        // isNullObject is known after any load + sync of a *OrNullObject result.
        if ("isNullObject" in compute) list.push("isNullObject");
        list.forEach(function (p) {
          if (!(p in compute)) throw FakeExcelError("InvalidArgument", "The fake cannot load '" + p + "'.");
          pendingLoads.push(function () { loaded[p] = compute[p](); });
        });
        return obj;
      };
      return obj;
    }

    function makeRange(sheetName, bounds, opts) {
      opts = opts || {};
      var s = function () { return sheetOf(sheetName); };
      var addr = boundsText(bounds);
      var rows = bounds.bottom - bounds.top + 1;
      var cols = bounds.right - bounds.left + 1;
      function each2d(what, grid, fn) {
        if (!Array.isArray(grid) || grid.length !== rows || grid.some(function (r) { return !Array.isArray(r) || r.length !== cols; })) {
          throw FakeExcelError("InvalidArgument", what + " for " + addr + " must be a " + rows + "×" + cols + " 2D array.");
        }
        // Excel rejects a structured reference ([@Column]) in a cell that is not inside a table.
        var structured = what !== "numberFormat" && grid.some(function (row) { return row.some(function (v) { return typeof v === "string" && v.charAt(0) === "=" && v.indexOf("[@") >= 0; }); });
        if (structured && !s().tables.some(function (t) { var tb = parseRange(t.address); return bounds.top > tb.top && bounds.bottom <= tb.bottom && bounds.left >= tb.left && bounds.right <= tb.right; })) {
          throw FakeExcelError("InvalidArgument", "The formula in " + addr + " uses a structured reference outside a table.");
        }
        state.log.push(what + " " + sheetName + "!" + addr);
        grid.forEach(function (row, r) {
          row.forEach(function (v, c) {
            var key = cellAddress(bounds.top + r, bounds.left + c);
            var cell = s().cells[key] || {};
            fn(cell, v);
            s().cells[key] = cell;
          });
        });
      }
      function writeValue(cell, v) {
        if (typeof v === "string" && v.charAt(0) === "=") {
          cell.formula = v;
          delete cell.value;
        } else {
          cell.value = v;
          delete cell.formula;
        }
      }
      function style(prop) {
        return function (value) { s().styles.push({ address: addr, prop: prop, value: value }); };
      }
      function cfKind(type) {
        var rec = { address: addr, type: type };
        s().conditionalFormats.push(rec);
        state.log.push("conditionalFormat " + type + " " + sheetName + "!" + addr);
        var sub = {
          format: { fill: { set color(v) { rec.fill = v; } }, font: { set color(v) { rec.fontColor = v; } } },
          set rule(v) { rec.rule = v; },
          get rule() { return { set formula(v) { rec.rule = { formula: v }; } }; },
        };
        return { textComparison: sub, cellValue: sub, custom: sub };
      }
      var validation = { address: addr };
      var range = {
        _sheet: sheetName,
        _bounds: bounds,
        set values(grid) { each2d("values", grid, writeValue); },
        set formulas(grid) { each2d("formulas", grid, writeValue); },
        set numberFormat(grid) { each2d("numberFormat", grid, function (cell, v) { cell.numberFormat = String(v); }); },
        set columnHidden(v) {
          for (var c = bounds.left; c <= bounds.right; c++) {
            var hidden = s().hiddenColumns;
            var at = hidden.indexOf(c);
            if (v && at < 0) hidden.push(c);
            if (!v && at >= 0) hidden.splice(at, 1);
          }
          state.log.push("columnHidden " + sheetName + "!" + addr);
        },
        format: {
          font: { set bold(v) { style("bold")(v); }, set italic(v) { style("italic")(v); }, set color(v) { style("fontColor")(v); } },
          fill: { set color(v) { style("fill")(v); } },
          set wrapText(v) { style("wrapText")(v); },
          set horizontalAlignment(v) { style("horizontalAlignment")(v); },
          set columnWidth(v) { for (var c = bounds.left; c <= bounds.right; c++) s().columnWidths[c] = v; },
          autofitColumns: function () { s().autofit.push(addr); },
        },
        conditionalFormats: { add: function (type) { return cfKind(type); } },
        dataValidation: {
          set rule(v) {
            validation.rule = v;
            if (s().validations.indexOf(validation) < 0) s().validations.push(validation);
            if (Object.keys(v).length !== 1) throw FakeExcelError("InvalidArgument", "A data validation rule takes exactly one rule type.");
          },
          set errorAlert(v) { validation.errorAlert = v; },
          set prompt(v) { validation.prompt = v; },
        },
        getResizedRange: function (dr, dc) {
          var b = { top: bounds.top, left: bounds.left, bottom: bounds.bottom + dr, right: bounds.right + dc };
          if (b.bottom >= MAX_ROWS || b.right >= MAX_COLUMNS) {
            pendingError = FakeExcelError("InvalidArgument", "The argument is invalid or missing or has an incorrect format.");
            return makeRange(sheetName, bounds);
          }
          return makeRange(sheetName, b);
        },
        getUsedRangeOrNullObject: function (valuesOnly) {
          function used() {
            var hits = Object.keys(s().cells)
              .filter(function (k) {
                var c = s().cells[k];
                return (c.value !== undefined && c.value !== "") || c.formula !== undefined || (!valuesOnly && c.numberFormat !== undefined);
              })
              .map(parseRange)
              .filter(function (p) { return p.top >= bounds.top && p.top <= bounds.bottom && p.left >= bounds.left && p.left <= bounds.right; });
            if (!hits.length) return undefined;
            return {
              top: Math.min.apply(null, hits.map(function (h) { return h.top; })),
              left: Math.min.apply(null, hits.map(function (h) { return h.left; })),
              bottom: Math.max.apply(null, hits.map(function (h) { return h.bottom; })),
              right: Math.max.apply(null, hits.map(function (h) { return h.right; })),
            };
          }
          return makeRange(sheetName, bounds, { nullObject: function () { return used() === undefined; }, usedBounds: used });
        },
      };
      return loadable(range, {
        // A used range reports the cells actually in use, as Excel does.
        address: function () { return (/[^A-Za-z0-9_]/.test(sheetName) ? "'" + sheetName + "'" : sheetName) + "!" + boundsText((opts.usedBounds && opts.usedBounds()) || bounds); },
        isNullObject: function () { return opts.nullObject ? opts.nullObject() : false; },
      });
    }

    function rangeFrom(sheetName, r) {
      return typeof r === "string" ? makeRange(sheetName, parseRange(r)) : r;
    }
    function overlaps(b, o) {
      return !(b.right < o.left || b.left > o.right || b.bottom < o.top || b.top > o.bottom);
    }

    function makeSheet(name) {
      var ws = {
        getRange: function (address) { return makeRange(name, parseRange(address)); },
        activate: function () {
          state.activeSheet = name;
          state.log.push("activate " + name);
        },
        tables: {
          add: function (address, hasHeaders) {
            var b = rangeFrom(name, address)._bounds;
            var all = [];
            state.sheets.forEach(function (x) { all = all.concat(x.tables); });
            sheetOf(name).tables.forEach(function (t) {
              if (overlaps(b, parseRange(t.address))) throw FakeExcelError("InvalidOperation", "A table can't overlap another table (" + t.name + ").");
            });
            var rec = { name: "Table" + (all.length + 1), address: boundsText(b), hasHeaders: hasHeaders, sheet: name };
            sheetOf(name).tables.push(rec);
            state.log.push("table.add " + name + "!" + rec.address);
            return {
              set name(v) {
                var taken = state.definedNames.slice();
                state.sheets.forEach(function (x) { x.tables.forEach(function (t) { if (t !== rec) taken.push(t.name); }); });
                if (!/^[A-Za-z_\\][A-Za-z0-9_.\\]*$/.test(v) || v.length > 255) throw FakeExcelError("InvalidArgument", "'" + v + "' is not a valid table name.");
                if (taken.some(function (t) { return t.toLowerCase() === v.toLowerCase(); })) throw FakeExcelError("InvalidArgument", "A table or name '" + v + "' already exists.");
                rec.name = v;
              },
              get name() { return rec.name; },
              set style(v) { rec.style = v; },
            };
          },
        },
        charts: {
          add: function (type, source, seriesBy) {
            var rec = { type: type, source: boundsText(rangeFrom(name, source)._bounds), seriesBy: seriesBy, xAxisValues: {} };
            sheetOf(name).charts.push(rec);
            state.log.push("chart.add " + type + " " + name + "!" + rec.source);
            return {
              title: { set text(v) { rec.title = v; } },
              axes: {
                categoryAxis: { title: { set text(v) { rec.xAxisTitle = v; } } },
                valueAxis: { title: { set text(v) { rec.yAxisTitle = v; } } },
              },
              legend: { set position(v) { rec.legendPosition = v; } },
              series: {
                getItemAt: function (i) {
                  return { setXAxisValues: function (x) { rec.xAxisValues[i] = boundsText(rangeFrom(name, x)._bounds); } };
                },
              },
              setPosition: function (start, end) {
                rec.position = { start: boundsText(rangeFrom(name, start)._bounds) };
                if (end !== undefined) rec.position.end = boundsText(rangeFrom(name, end)._bounds);
              },
            };
          },
        },
        freezePanes: {
          freezeAt: function (r) {
            var b = rangeFrom(name, r)._bounds;
            sheetOf(name).frozen = { rows: b.bottom + 1, columns: b.right + 1 };
          },
          freezeRows: function (n) { sheetOf(name).frozen = { rows: n, columns: 0 }; },
          freezeColumns: function (n) { sheetOf(name).frozen = { rows: 0, columns: n }; },
        },
      };
      return loadable(ws, { name: function () { return name; } });
    }

    function names(list) {
      return loadable({}, { items: function () { return list().map(function (n) { return { name: n }; }); } });
    }
    var worksheets = names(function () { return state.sheets.map(function (s) { return s.name; }); });
    worksheets.add = function (name) {
      if (name.length > 31 || /[[\]:*?/\\]/.test(name) || name.trim() === "") throw FakeExcelError("InvalidArgument", "'" + name + "' is not a valid sheet name.");
      if (state.sheets.some(function (s) { return s.name.toLowerCase() === name.toLowerCase(); })) throw FakeExcelError("ItemAlreadyExists", "A sheet named '" + name + "' already exists.");
      state.sheets.push(newSheet(name));
      state.log.push("worksheets.add " + name);
      return makeSheet(name);
    };
    worksheets.getActiveWorksheet = function () { return makeSheet(state.activeSheet); };

    return {
      workbook: {
        worksheets: worksheets,
        tables: names(function () {
          var out = [];
          state.sheets.forEach(function (s) { s.tables.forEach(function (t) { out.push(t.name); }); });
          return out;
        }),
        names: names(function () { return state.definedNames; }),
        getActiveCell: function () { return makeRange(state.activeSheet, parseRange(state.activeCell)); },
        // taskpane.ts recalculates through context.workbook.application after custom entries change.
        application: {
          calculate: function (type) {
            state.calculations.push(type);
            state.log.push("calculate " + type);
          },
        },
      },
      application: {
        suspendScreenUpdatingUntilNextSync: function () { state.suspendScreenUpdating++; },
        suspendApiCalculationUntilNextSync: function () { state.suspendCalculation++; },
      },
      sync: function () {
        state.syncCount++;
        state.log.push("sync");
        var err = pendingError;
        pendingError = undefined;
        var loads = pendingLoads.splice(0);
        if (err) return Promise.reject(err);
        loads.forEach(function (l) { l(); });
        return Promise.resolve();
      },
    };
  }

  window.__fakeExcel = { state: state, sheetOf: sheetOf, parseRange: parseRange, cellAddress: cellAddress };
  window.Excel = {
    CalculationType: { recalculate: "Recalculate", full: "Full", fullRebuild: "FullRebuild" },
    run: function (batch) {
      state.runCount++;
      try {
        return Promise.resolve(batch(makeContext()));
      } catch (e) {
        return Promise.reject(e);
      }
    },
  };

  // ------------------------------------------------------------ document settings
  // A test may seed the workbook's settings (window.__seedSettings) to reopen a saved workbook.
  var settingsStore = window.__seedSettings ? JSON.parse(JSON.stringify(window.__seedSettings)) : {};
  var settingsLog = { set: [], saveAsync: 0 };
  window.__fakeSettings = { store: settingsStore, log: settingsLog };
  var settings = {
    get: function (name) { return Object.prototype.hasOwnProperty.call(settingsStore, name) ? settingsStore[name] : null; },
    set: function (name, value) {
      settingsStore[name] = value;
      settingsLog.set.push(name);
    },
    remove: function (name) { delete settingsStore[name]; },
    saveAsync: function (options, callback) {
      var cb = typeof options === "function" ? options : callback;
      settingsLog.saveAsync++;
      setTimeout(function () { if (cb) cb({ status: "succeeded", value: undefined }); }, 0);
    },
  };

  // ------------------------------------------------------------ CustomFunctions
  var fit = {};
  window.__fit = fit;
  function CFError(code, message) {
    this.code = code;
    this.message = message;
  }
  window.CustomFunctions = {
    Error: CFError,
    ErrorCode: {
      invalidValue: "#VALUE!",
      notAvailable: "#N/A",
      divisionByZero: "#DIV/0!",
      invalidNumber: "#NUM!",
      nullReference: "#NULL!",
      invalidName: "#NAME?",
      invalidReference: "#REF!",
    },
    associate: function (id, fn) { fit[id] = fn; },
  };

  // ------------------------------------------------------------ Office
  var info = { host: "Excel", platform: "OfficeOnline" };
  window.Office = {
    HostType: { Excel: "Excel", Word: "Word", PowerPoint: "PowerPoint", Outlook: "Outlook" },
    PlatformType: { OfficeOnline: "OfficeOnline", PC: "PC", Mac: "Mac" },
    AsyncResultStatus: { Succeeded: "succeeded", Failed: "failed" },
    onReady: function (cb) {
      return new Promise(function (resolve) {
        setTimeout(function () {
          if (cb) cb(info);
          resolve(info);
        }, 0);
      });
    },
    context: {
      officeTheme: { isDarkTheme: true, bodyBackgroundColor: "#292929", bodyForegroundColor: "#ffffff", controlBackgroundColor: "#1f1f1f", controlForegroundColor: "#ffffff" },
      document: { settings: settings },
      requirements: { isSetSupported: function () { return true; } },
    },
  };
})();
