// A PatternFly Table that renders only the rows in view (plus overscan) inside its own scroll container;
// spacer rows above and below keep the scrollbar true to the whole list. Rows have a fixed height so the
// window math (models/vm-list-window.ts) needs no measuring. A name filter and sortable columns on top.
import { memo, useEffect, useMemo, useRef, useState, type ReactNode, type UIEvent } from 'react';
import { Bullseye, EmptyState, SearchInput, Spinner, Toolbar, ToolbarContent, ToolbarItem } from '@patternfly/react-core';
import { ActionsColumn, Table, Tbody, Td, Th, Thead, Tr, type IAction, type ThProps } from '@patternfly/react-table';
import { useTranslation } from 'react-i18next';
import { rowWindow } from '../models/vm-list-window';

export interface VirtualColumn<T> {
  /** Already translated. */
  title: string;
  id: string;
  render: (item: T) => ReactNode;
  /** Sort key; columns without one do not sort. */
  sortValue?: (item: T) => string | number;
  width?: ThProps['width'];
}

export interface VirtualizedTableProps<T> {
  items: readonly T[];
  columns: VirtualColumn<T>[];
  rowKey: (item: T) => string;
  /** The text the name filter matches. */
  nameOf: (item: T) => string;
  rowActions?: (item: T) => IAction[];
  ariaLabel: string;
  loaded?: boolean;
  rowHeight?: number;
  overscan?: number;
  /** CSS height of the scroll container. */
  height?: string;
  toolbarExtra?: ReactNode;
}

interface RowProps<T> {
  item: T;
  columns: VirtualColumn<T>[];
  rowKey: string;
  rowHeight: number;
  rowActions: ((item: T) => IAction[]) | undefined;
}

/** A row re-renders only when its item (or the columns) change, not when the window moves. */
const Row = memo(function Row<T>({ item, columns, rowKey, rowHeight, rowActions }: RowProps<T>): ReactNode {
  return (
    <Tr style={{ height: rowHeight }} data-test={`row-${rowKey}`}>
      {columns.map((c) => (
        <Td key={c.id} dataLabel={c.title} style={{ whiteSpace: 'nowrap', overflow: 'hidden', textOverflow: 'ellipsis' }}>{c.render(item)}</Td>
      ))}
      {rowActions && <Td isActionCell><ActionsColumn items={rowActions(item)} /></Td>}
    </Tr>
  );
}) as <T>(props: RowProps<T>) => ReactNode;

/**
 * The window moves in blocks of this many rows: scrolling re-renders (and the browser re-lays out the table)
 * once per block instead of once per frame; the overscan keeps the view covered in between.
 */
const BLOCK_ROWS = 6;

export function VirtualizedTable<T>(props: VirtualizedTableProps<T>): ReactNode {
  const { items, columns, rowKey, nameOf, rowActions, ariaLabel, loaded = true, rowHeight = 52, overscan = 10, height = 'calc(100vh - 300px)', toolbarExtra } = props;
  const { t } = useTranslation();
  const [filter, setFilter] = useState('');
  const [sort, setSort] = useState<{ index: number; dir: 'asc' | 'desc' }>({ index: 0, dir: 'asc' });
  const [scrollTop, setScrollTop] = useState(0);
  const [viewport, setViewport] = useState(600);
  const scroller = useRef<HTMLDivElement>(null);
  const frame = useRef(0);

  useEffect(() => {
    const el = scroller.current;
    if (!el) return undefined;
    const ro = new ResizeObserver(() => setViewport(el.clientHeight));
    ro.observe(el);
    setViewport(el.clientHeight);
    return () => ro.disconnect();
  }, []);
  useEffect(() => () => cancelAnimationFrame(frame.current), []);

  const shown = useMemo(() => {
    const f = filter.trim().toLowerCase();
    const filtered = f ? items.filter((i) => nameOf(i).toLowerCase().includes(f)) : [...items];
    const col = columns[sort.index];
    const key = col?.sortValue ?? (sort.index === 0 ? nameOf : undefined);
    if (key) {
      const sign = sort.dir === 'asc' ? 1 : -1;
      filtered.sort((a, b) => {
        const x = key(a);
        const y = key(b);
        return sign * (typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y), undefined, { numeric: true }));
      });
    }
    return filtered;
  }, [items, filter, sort, columns, nameOf]);

  const headerHeight = rowHeight;
  // the quantized top lags the real one by up to a block: widen the window by a block below
  const win = rowWindow(shown.length, Math.max(0, scrollTop - headerHeight), viewport + BLOCK_ROWS * rowHeight, rowHeight, overscan);
  const onScroll = (e: UIEvent<HTMLDivElement>): void => {
    const block = BLOCK_ROWS * rowHeight;
    const top = Math.floor(e.currentTarget.scrollTop / block) * block;
    if (top === scrollTop) return;
    cancelAnimationFrame(frame.current);
    frame.current = requestAnimationFrame(() => setScrollTop(top));
  };
  const colSpan = columns.length + (rowActions ? 1 : 0);

  return (
    <>
      <Toolbar>
        <ToolbarContent>
          <ToolbarItem>
            <SearchInput placeholder={t('Search by name...')} aria-label={t('Search by name...')} value={filter}
              onChange={(_e, v) => { setFilter(v); scroller.current?.scrollTo({ top: 0 }); }} onClear={() => setFilter('')} />
          </ToolbarItem>
          {toolbarExtra}
        </ToolbarContent>
      </Toolbar>
      {/* containment keeps the table's layout from reaching the page; a fixed table layout keeps column widths
          from being recomputed from the content of each new window of rows */}
      <div ref={scroller} onScroll={onScroll} style={{ height, overflowY: 'auto', contain: 'strict' }} data-test="virtualized-scroller">
        <Table aria-label={ariaLabel} variant="compact" isStickyHeader data-test="virtualized-table" data-rows={shown.length} style={{ tableLayout: 'fixed' }}>
          <Thead>
            <Tr style={{ height: headerHeight }}>
              {columns.map((c, i) => (
                <Th key={c.id} {...(c.width ? { width: c.width } : {})}
                  {...(c.sortValue || i === 0 ? { sort: { sortBy: { index: sort.index, direction: sort.dir }, columnIndex: i, onSort: (_e, index, direction) => setSort({ index, dir: direction }) } } : {})}>
                  {c.title}
                </Th>
              ))}
              {rowActions && <Th screenReaderText={t('Actions')} />}
            </Tr>
          </Thead>
          <Tbody>
            {win.padTop > 0 && <Tr aria-hidden style={{ height: win.padTop }}><Td colSpan={colSpan} style={{ padding: 0, border: 0 }} /></Tr>}
            {shown.slice(win.start, win.end).map((item) => (
              <Row key={rowKey(item)} item={item} columns={columns} rowKey={rowKey(item)} rowHeight={rowHeight} rowActions={rowActions} />
            ))}
            {win.padBottom > 0 && <Tr aria-hidden style={{ height: win.padBottom }}><Td colSpan={colSpan} style={{ padding: 0, border: 0 }} /></Tr>}
          </Tbody>
        </Table>
        {!loaded && <Bullseye><Spinner aria-label={t('Loading')} /></Bullseye>}
        {loaded && shown.length === 0 && <EmptyState titleText={t('No resources found')} headingLevel="h2" />}
      </div>
    </>
  );
}
