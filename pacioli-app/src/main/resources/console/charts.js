// Charts where a person looks rather than reads, drawn by uPlot (vendored from its WebJar, served at
// /console/vendor/). uPlot draws on a canvas and sets element.style from script, which the CSP allows.

import uPlot from '/console/vendor/uPlot.esm.js';
import { h } from './ui.js';

const COLORS = ['#2563eb', '#dc2626', '#16a34a', '#d97706', '#7c3aed'];

function width(container) {
  return Math.max(320, Math.min(900, (container.clientWidth || 800) - 16));
}

/**
 * A chart in a figure: `xs` on the x axis (Unix seconds when `time`), one line per series
 * {label, values, stepped, dash, bars}. Answers the figure; the chart is drawn once it is in the page.
 */
export function chart(title, xs, series, options = {}) {
  const figure = h('figure', { class: 'chart', 'data-chart': title }, h('figcaption', {}, title));
  const discrete = options.time === false;
  const opts = {
    width: 800,
    height: options.height || 240,
    scales: {
      x: discrete
        ? { time: false, range: (u, min, max) => [min - 0.5, max + 0.5] }
        : { time: true },
    },
    axes: [
      Object.assign(
        { label: options.xLabel },
        discrete ? { incrs: [1, 2, 5, 10, 20, 50, 100, 1000] } : {},
        options.xLabels
          ? { values: (u, splits) => splits.map((s) => (Number.isInteger(s) ? options.xLabels[s] || '' : '')) }
          : {},
      ),
      // Room for amounts in minor units (eight digits and a sign).
      { size: 90 },
    ],
    series: [
      { label: options.xLabel || (discrete ? 'x' : 'time') },
      ...series.map((s, i) => ({
        label: s.label,
        stroke: s.color || COLORS[i % COLORS.length],
        fill: s.bars ? (s.color || COLORS[i % COLORS.length]) + '55' : undefined,
        dash: s.dash,
        width: 2,
        points: s.pointsOnly ? { show: true, size: 12, width: 3 } : { show: s.points !== undefined ? s.points : xs.length < 40 },
        paths: s.pointsOnly ? () => null : s.bars ? uPlot.paths.bars({ size: [0.6, 60], align: 0 }) : s.stepped ? uPlot.paths.stepped({ align: 1 }) : undefined,
      })),
    ],
  };
  if (options.yRange) {
    opts.scales.y = { range: options.yRange };
  }
  const data = [xs, ...series.map((s) => s.values)];
  // Drawn after the figure is attached, at the width it then has.
  requestAnimationFrame(() => {
    opts.width = width(figure);
    new uPlot(opts, data, figure);
  });
  return figure;
}

/** Seconds since the epoch of an ISO time. */
export function seconds(iso) {
  return Math.floor(Date.parse(iso) / 1000);
}
