// The part of Grafana's dashboard JSON model that slakit generates, written out here so the published types do not
// need `@grafana/schema` (a devDependency: dashboards.ts builds with its types, and assigning them to these checks
// that this subset stays compatible).

/** A data source reference (`{ type: 'prometheus', uid: '${datasource}' }` in generated dashboards). */
export interface GrafanaDataSourceRef {
  type?: string;
  uid?: string;
}

/** A panel's place on the 24-column grid. */
export interface GrafanaGridPos {
  x: number;
  y: number;
  w: number;
  h: number;
}

/**
 * One query of a panel, as loosely typed as in `@grafana/schema`: generated ones have `refId`, `datasource`, `expr`,
 * `legendFormat` and `range` or `instant` + `format: 'table'`.
 */
export type GrafanaTarget = Record<string, unknown>;

/** A visualisation panel (`timeseries`, `stat` or `table` in generated dashboards). */
export interface GrafanaPanel {
  id?: number;
  type: string;
  title?: string;
  description?: string;
  datasource?: GrafanaDataSourceRef;
  gridPos?: GrafanaGridPos;
  fieldConfig?: {
    defaults: {
      unit?: string;
      min?: number;
      max?: number;
      thresholds?: { mode: string; steps: { color: string; value: number | null }[] };
    };
    overrides: unknown[];
  };
  options?: Record<string, unknown>;
  targets?: GrafanaTarget[];
}

/** A row header panel. */
export interface GrafanaRowPanel {
  type: 'row';
  id: number;
  title?: string;
  collapsed: boolean;
  gridPos?: GrafanaGridPos;
  panels: GrafanaPanel[];
}

/** A Grafana dashboard (JSON model, `schemaVersion` 39) as slakit generates it. */
export interface GrafanaDashboard {
  uid?: string;
  title?: string;
  tags?: string[];
  editable?: boolean;
  graphTooltip?: number;
  schemaVersion: number;
  version?: number;
  refresh?: string;
  time?: { from: string; to: string };
  timezone?: string;
  templating?: { list?: unknown[] };
  annotations?: { list?: unknown[] };
  panels?: (GrafanaPanel | GrafanaRowPanel)[];
}
