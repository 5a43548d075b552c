// Japanese for the home views (keys are the English text).
export const jaHome: Record<string, string> = {
  'Cluster inventory': 'クラスタインベントリ',
  'All nodes are ready': 'すべてのノードが準備完了です',
  'Not installed': '未インストール',
  'Deploying handlers': 'ハンドラーをデプロイ中',
  'Installed and available': 'インストール済み、利用可能',
  'Installed, degraded': 'インストール済み、機能低下',
  'NMState handlers starting: {{count}}': '起動中の NMState ハンドラー: {{count}}',
  'Network configurations in progress: {{count}}': '適用中のネットワーク設定: {{count}}',
  'Pods': 'Pod',
  'Pods being created': '作成中の Pod',
  'Pods pending: {{count}}': '保留中の Pod: {{count}}',
  'Virtual machine launchers starting: {{count}}': '起動中の仮想マシンランチャー: {{count}}',
  'VirtualMachineInstances': 'VirtualMachineInstances',
  '{{count}} not ready': '{{count}} 個が準備未完了',
  '{{ready}} of {{total}} nodes ready': '{{total}} 個中 {{ready}} 個のノードが準備完了',
};
