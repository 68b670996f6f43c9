// The grid layout and the dashboard frame shared by every generated dashboard (typed with @grafana/schema).
import type { Dashboard, Panel, RowPanel } from '@grafana/schema';
import type { SlakitConfig } from '@slakit/core';

const DATASOURCE = { type: 'prometheus', uid: '${datasource}' };
const WIDTH = 24;

/** One panel to lay out. */
export interface PanelSpec {
  title: string;
  type?: 'timeseries' | 'stat' | 'table';
  unit?: string;
  description?: string;
  /** [PromQL, legend] pairs. */
  queries: [string, string][];
  width?: number;
  height?: number;
  min?: number;
  max?: number;
  thresholds?: { color: string; value: number | null }[];
  instant?: boolean;
}

/** Places panels left to right on the 24-column grid, wrapping and starting rows as needed. */
export class Layout {
  private x = 0;
  private y = 0;
  private rowHeight = 0;
  private id = 1;
  readonly panels: (Panel | RowPanel)[] = [];

  row(title: string): void {
    this.newline();
    this.panels.push({
      type: 'row',
      title,
      id: this.id++,
      collapsed: false,
      gridPos: { x: 0, y: this.y, w: WIDTH, h: 1 },
      panels: [],
    });
    this.y += 1;
  }

  add(spec: PanelSpec): void {
    const w = spec.width ?? 12;
    const h = spec.height ?? 8;
    if (this.x + w > WIDTH) this.newline();
    const panel: Panel = {
      id: this.id++,
      type: spec.type ?? 'timeseries',
      title: spec.title,
      ...(spec.description ? { description: spec.description } : {}),
      datasource: DATASOURCE,
      gridPos: { x: this.x, y: this.y, w, h },
      fieldConfig: {
        defaults: {
          ...(spec.unit ? { unit: spec.unit } : {}),
          ...(spec.min !== undefined ? { min: spec.min } : {}),
          ...(spec.max !== undefined ? { max: spec.max } : {}),
          ...(spec.thresholds ? { thresholds: { mode: 'absolute' as never, steps: spec.thresholds } } : {}),
        },
        overrides: [],
      },
      options: spec.type === 'table' ? { showHeader: true } : {},
      targets: spec.queries.map(([expr, legend], i) => ({
        refId: String.fromCharCode(65 + i),
        datasource: DATASOURCE,
        expr,
        legendFormat: legend,
        ...(spec.instant || spec.type === 'table' ? { instant: true, range: false, format: 'table' } : { range: true }),
      })),
    };
    this.panels.push(panel);
    this.x += w;
    this.rowHeight = Math.max(this.rowHeight, h);
  }

  private newline(): void {
    if (this.x > 0) {
      this.y += this.rowHeight;
      this.x = 0;
      this.rowHeight = 0;
    }
  }
}

/** A dashboard of a service around a layout's panels, with a `datasource` variable picking the Prometheus. */
export function dashboard(config: SlakitConfig, key: string, title: string, layout: Layout, tags: string[]): Dashboard {
  return {
    uid: `slakit-${config.service}-${key}`.slice(0, 40),
    title: `${config.service} · ${title}`,
    tags: ['slakit', config.service, ...tags],
    editable: true,
    graphTooltip: 1,
    schemaVersion: 39,
    version: 1,
    refresh: '30s',
    time: { from: 'now-6h', to: 'now' },
    timezone: 'browser',
    templating: {
      list: [
        {
          name: 'datasource',
          label: 'Prometheus',
          type: 'datasource',
          query: 'prometheus',
        } as never,
      ],
    },
    annotations: { list: [] },
    panels: layout.panels,
  };
}
