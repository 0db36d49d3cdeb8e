import { useEffect, useRef } from 'react';
import { BarChart, LineChart } from 'echarts/charts';
import { DataZoomComponent, GridComponent, LegendComponent, TitleComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';

/**
 * One ECharts chart in a div. After each render it reads back what ECharts holds (`getOption()`) and puts
 * the series names and point counts on the element (`data-series`, `data-points`), and registers the
 * instance as `window.__spliceCharts[id]`, so browser tests assert on the chart actually drawn.
 */
echarts.use([LineChart, BarChart, GridComponent, TooltipComponent, LegendComponent, TitleComponent, DataZoomComponent, CanvasRenderer]);

export type ChartOption = echarts.EChartsCoreOption;

declare global {
  interface Window {
    __spliceCharts?: Record<string, echarts.ECharts>;
  }
}

interface RenderedSeries {
  name?: string;
  data?: unknown[];
}

export function EChart({ id, option, height = 260, label }: { id: string; option: ChartOption; height?: number; label: string }) {
  const el = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);

  useEffect(() => {
    const node = el.current!;
    const instance = echarts.init(node, undefined, { renderer: 'canvas' });
    chart.current = instance;
    (window.__spliceCharts ??= {})[id] = instance;
    const resize = new ResizeObserver(() => instance.resize());
    resize.observe(node);
    return () => {
      resize.disconnect();
      if (window.__spliceCharts?.[id] === instance) delete window.__spliceCharts[id];
      instance.dispose();
      chart.current = null;
    };
  }, [id]);

  useEffect(() => {
    const instance = chart.current;
    const node = el.current;
    if (!instance || !node) return;
    instance.setOption(option, { notMerge: true });
    const drawn = (instance.getOption().series ?? []) as RenderedSeries[];
    node.dataset.series = JSON.stringify(drawn.map((s) => s.name ?? ''));
    node.dataset.points = JSON.stringify(drawn.map((s) => (Array.isArray(s.data) ? s.data.length : 0)));
    node.dataset.rendered = 'true';
  }, [option]);

  return <div ref={el} className="insights-chart" data-testid={`chart-${id}`} role="img" aria-label={label} style={{ height }} />;
}
