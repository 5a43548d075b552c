// Console: the VMI's serial console in xterm.js over virt-api's console WebSocket (binary frames both
// ways, subprotocol plain.kubevirt.io). The screen text is mirrored into a hidden element so a test (or a
// screen reader) can read what the terminal shows.
import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { Button, EmptyState, EmptyStateBody, Flex, FlexItem, Label } from '@patternfly/react-core';
import { useTranslation } from 'react-i18next';
import { Terminal } from '@xterm/xterm';
import { FitAddon } from '@xterm/addon-fit';
import '@xterm/xterm/css/xterm.css';
import { wsProtocols, wsUrl, vmAction } from '../../api/client';
import type { K8sObject } from '../../api/types';
import { ErrorAlert } from '../../components/ErrorAlert';
import { vmiRunning, type VmiObj } from '../../models/vm-status';

type ConnState = 'connecting' | 'connected' | 'disconnected';

export function VmConsoleTab({ vm, vmi }: { vm: K8sObject; vmi: K8sObject | undefined }): ReactNode {
  const { t } = useTranslation();
  const [error, setError] = useState<unknown>();
  const running = vmiRunning(vmi as unknown as VmiObj | undefined);
  if (!running) {
    return (
      <EmptyState titleText={t('The VirtualMachine is not running')} headingLevel="h2" data-test="console-not-running">
        <EmptyStateBody>{t('Start the VirtualMachine to open its serial console.')}</EmptyStateBody>
        <ErrorAlert error={error} />
        <Button variant="primary" onClick={() => { vmAction(vm.metadata.namespace ?? '', vm.metadata.name, 'start').catch(setError); }}>{t('Start')}</Button>
      </EmptyState>
    );
  }
  // A new VMI (restart) is a new console: remount.
  return <SerialConsole key={vmi?.metadata.uid ?? ''} ns={vm.metadata.namespace ?? ''} name={vm.metadata.name} />;
}

function SerialConsole({ ns, name }: { ns: string; name: string }): ReactNode {
  const { t } = useTranslation();
  const host = useRef<HTMLDivElement>(null);
  const textEl = useRef<HTMLPreElement>(null);
  const term = useRef<Terminal | undefined>(undefined);
  const socket = useRef<WebSocket | undefined>(undefined);
  const [state, setState] = useState<ConnState>('connecting');

  const connect = useCallback(() => {
    socket.current?.close();
    setState('connecting');
    const path = `/apis/subresources.kubevirt.io/v1/namespaces/${encodeURIComponent(ns)}/virtualmachineinstances/${encodeURIComponent(name)}/console`;
    const ws = new WebSocket(wsUrl(path), wsProtocols('plain.kubevirt.io'));
    ws.binaryType = 'arraybuffer';
    socket.current = ws;
    ws.onopen = () => { if (socket.current === ws) { setState('connected'); term.current?.focus(); } };
    ws.onclose = () => { if (socket.current === ws) setState('disconnected'); };
    ws.onmessage = (e: MessageEvent<ArrayBuffer | string>) => {
      term.current?.write(typeof e.data === 'string' ? e.data : new Uint8Array(e.data));
    };
  }, [ns, name]);

  useEffect(() => {
    const el = host.current;
    if (!el) return undefined;
    const tm = new Terminal({ cursorBlink: true, fontSize: 14, scrollback: 2000, convertEol: false });
    const fit = new FitAddon();
    tm.loadAddon(fit);
    tm.open(el);
    fit.fit();
    term.current = tm;
    const enc = new TextEncoder();
    const input = tm.onData((d) => { const ws = socket.current; if (ws?.readyState === WebSocket.OPEN) ws.send(enc.encode(d)); });
    // Mirror the buffer's text (scrollback included) into the hidden element after each parsed write.
    const mirror = tm.onWriteParsed(() => {
      const buf = tm.buffer.active;
      const lines: string[] = [];
      for (let y = 0; y < buf.length; y++) lines.push(buf.getLine(y)?.translateToString(true) ?? '');
      while (lines.length && lines[lines.length - 1] === '') lines.pop();
      if (textEl.current) textEl.current.textContent = lines.join('\n');
    });
    const ro = new ResizeObserver(() => { try { fit.fit(); } catch { /* detached */ } });
    ro.observe(el);
    connect();
    return () => {
      ro.disconnect();
      input.dispose();
      mirror.dispose();
      socket.current?.close();
      socket.current = undefined;
      tm.dispose();
      term.current = undefined;
    };
  }, [connect]);

  const label = state === 'connected' ? t('Connected') : state === 'connecting' ? t('Connecting') : t('Disconnected');
  return (
    <>
      <Flex alignItems={{ default: 'alignItemsCenter' }} spaceItems={{ default: 'spaceItemsMd' }} style={{ marginBottom: 'var(--pf-t--global--spacer--sm)' }}>
        <FlexItem>{t('Serial console')}</FlexItem>
        <FlexItem><Label isCompact color={state === 'connected' ? 'green' : state === 'connecting' ? 'blue' : 'grey'} data-test="console-state">{label}</Label></FlexItem>
        {state === 'disconnected' && <FlexItem><Button variant="secondary" size="sm" onClick={connect}>{t('Reconnect')}</Button></FlexItem>}
      </Flex>
      <div ref={host} style={{ height: '60vh', background: '#000', padding: 4 }} data-test="serial-console" />
      <pre ref={textEl} data-test="serial-console-text" hidden />
    </>
  );
}
