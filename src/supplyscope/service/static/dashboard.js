// Dashboard helpers: draw a plotly figure stored as JSON in a data attribute; optional click handler.
window.supplyscope = {
  plot: function (id, onClick) {
    var el = document.getElementById(id);
    if (!el || !window.Plotly) { return; }
    var fig = JSON.parse(el.getAttribute("data-figure"));
    Plotly.newPlot(el, fig.data, fig.layout, { responsive: true, displaylogo: false }).then(function () {
      el.setAttribute("data-rendered", "true");
    });
    if (onClick) {
      el.on("plotly_click", function (event) {
        if (event.points && event.points.length) { onClick(event.points[0]); }
      });
    }
  }
};
