import { Type } from '@sinclair/typebox'

export const ModelSchema = Type.Object({
  id: Type.String({ description: 'the name to send as `model`' }),
  object: Type.Literal('model'),
  created: Type.Integer(),
  owned_by: Type.String()
}, { $id: 'Model' })

export const ModelListSchema = Type.Object({
  object: Type.Literal('list'),
  data: Type.Array(Type.Ref('Model'))
}, { $id: 'ModelList' })
