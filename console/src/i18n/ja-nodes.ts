// Japanese for the nodes views (keys are the English text).
export const jaNodes: Record<string, string> = {
  'Edit labels': 'ラベルの編集',
  'Instance type': 'インスタンスタイプ',
  'Labels help you organize and select resources. Adding labels below will let you query for objects that have similar, overlapping or dissimilar labels.': 'ラベルは、リソースの整理と選択に役立ちます。以下にラベルを追加すると、類似するラベル、重複するラベル、または異なるラベルを持つオブジェクトをクエリーできます。',
  'No labels': 'ラベルなし',
  'Node addresses': 'ノードのアドレス',
  'Node details': 'ノードの詳細',
  'Node {{name}} not found': 'ノード {{name}} が見つかりません',
  'Remove label {{label}}': 'ラベル {{label}} の削除',
  'Roles': 'ロール',
  'Show less': '表示を減らす',
  'Type key=value and press Enter to add a label.': 'key=value を入力して Enter を押すとラベルが追加されます。',
  '{{name}} labels': '{{name}} のラベル',
  '{{remaining}} more': '他 {{remaining}} 件',
};
