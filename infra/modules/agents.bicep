// The agents' resource group: the app's identity may manage container groups here and nowhere else.
targetScope = 'resourceGroup'

@description('Object id of the app\'s managed identity.')
param principalId string

resource containerGroupManager 'Microsoft.Authorization/roleDefinitions@2022-04-01' = {
  name: guid(resourceGroup().id, 'agent-factory-container-groups')
  properties: {
    roleName: 'Agent Factory container groups (${resourceGroup().name})'
    description: 'Create, read, start, stop and delete Container Instances groups, and read their logs and metrics, in this resource group only.'
    type: 'CustomRole'
    assignableScopes: [resourceGroup().id]
    permissions: [
      {
        actions: [
          'Microsoft.ContainerInstance/containerGroups/read'
          'Microsoft.ContainerInstance/containerGroups/write'
          'Microsoft.ContainerInstance/containerGroups/delete'
          'Microsoft.ContainerInstance/containerGroups/start/action'
          'Microsoft.ContainerInstance/containerGroups/stop/action'
          'Microsoft.ContainerInstance/containerGroups/restart/action'
          'Microsoft.ContainerInstance/containerGroups/containers/logs/read'
          'Microsoft.ContainerInstance/containerGroups/operationResults/read'
          'Microsoft.ContainerInstance/locations/operations/read'
          // Azure Monitor's CpuUsage and MemoryUsage of the groups (the runtime's GetMetrics); metrics only, no other monitoring data.
          'Microsoft.Insights/metrics/read'
          'Microsoft.Resources/subscriptions/resourceGroups/read'
        ]
        notActions: []
      }
    ]
  }
}

resource assignment 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(resourceGroup().id, containerGroupManager.id, principalId)
  properties: {
    roleDefinitionId: containerGroupManager.id
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}
